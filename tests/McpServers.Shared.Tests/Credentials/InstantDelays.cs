namespace McpServers.Shared.Tests.Credentials;

/// <summary>
/// A clock whose delays end at once (each recorded, and announced to <see cref="OnDelay"/> before it ends), so that
/// a polling loop can be tested without waiting and without racing the clock.
/// </summary>
internal sealed class InstantDelays : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _delays = [];

    public Action<int>? OnDelay { get; set; }

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        int count;
        lock (_gate)
        {
            _delays.Add(dueTime);
            count = _delays.Count;
        }

        OnDelay?.Invoke(count);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new Finished();
    }

    private sealed class Finished : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
