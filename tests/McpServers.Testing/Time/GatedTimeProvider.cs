using System.Threading.Channels;

namespace McpServers.Testing.Time;

/// <summary>
/// Real time, except for timers of one due time (e.g. a server's wait for a document): those fire only when the test
/// says so, so a test can make a wait run out without sleeping or racing the clock.
/// </summary>
public sealed class GatedTimeProvider(TimeSpan gatedDueTime) : TimeProvider
{
    private readonly Channel<GatedTimer> _started = Channel.CreateUnbounded<GatedTimer>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != gatedDueTime)
        {
            return base.CreateTimer(callback, state, dueTime, period);
        }

        var timer = new GatedTimer(() => callback(state));
        _started.Writer.TryWrite(timer);
        return timer;
    }

    /// <summary>Waits until something starts a gated timer, then makes it fire.</summary>
    public async Task ExpireNextAsync(CancellationToken cancellationToken)
    {
        GatedTimer timer = await _started.Reader.ReadAsync(cancellationToken);
        timer.Fire();
    }

    private sealed class GatedTimer(Action callback) : ITimer
    {
        private int _done;

        public void Fire()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                callback();
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => Volatile.Read(ref _done) == 0;

        public void Dispose() => Interlocked.Exchange(ref _done, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
