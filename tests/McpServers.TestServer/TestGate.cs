namespace McpServers.TestServer;

/// <summary>Holds test_gate calls until the test opens it, and lets the test wait until calls are inside.</summary>
public sealed class TestGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _entered = new(0);

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.Release();
        await _open.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes once <paramref name="calls"/> more calls are waiting at the gate.</summary>
    public async Task EnteredAsync(int calls, CancellationToken cancellationToken)
    {
        for (int i = 0; i < calls; i++)
        {
            await _entered.WaitAsync(cancellationToken);
        }
    }

    public void Open() => _open.TrySetResult();
}
