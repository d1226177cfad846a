using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Tests.Pipeline;

/// <summary>The client names of stateless HTTP callers: remembered in the shared store, read from it at most once a while.</summary>
public sealed class ClientDirectoryTests
{
    private static readonly Caller Alice = new("alice", "app-1", "oauth", new HashSet<string> { Caller.ReadScope });

    [Fact]
    public async Task AClientNamedOnAnotherReplica_IsReadFromTheSharedStoreOnce_ThenFromTheLocalCache()
    {
        var shared = new CountingState();
        await new ClientDirectory(shared).RememberAsync(Alice, new Implementation { Name = "claude-code", Version = "2.1" });
        var other = new ClientDirectory(shared);

        Implementation? first = await other.LookupAsync(Alice);
        Implementation? second = await other.LookupAsync(Alice);

        Assert.Equal("claude-code", first?.Name);
        Assert.Equal("2.1", second?.Version);
        Assert.Equal(1, shared.Reads);
    }

    [Fact]
    public async Task AnUnknownClient_CostsOneSharedRead_NotOnePerCall()
    {
        var shared = new CountingState();
        var directory = new ClientDirectory(shared);

        for (int i = 0; i < 5; i++)
        {
            Assert.Null(await directory.LookupAsync(Alice));
        }

        Assert.Equal(1, shared.Reads);
    }

    private sealed class CountingState : ISharedState
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public int Reads { get; private set; }

        public Task<string> GetOrAddAsync(string key, string candidate) => Task.FromResult(_values.TryAdd(key, candidate) ? candidate : _values[key]);

        public Task SetAsync(string key, string value, TimeSpan lifetime)
        {
            _values[key] = value;
            return Task.CompletedTask;
        }

        public Task<string?> GetAsync(string key)
        {
            Reads++;
            return Task.FromResult(_values.GetValueOrDefault(key));
        }

        public Task DeleteAsync(string key) => Task.FromResult(_values.Remove(key));

        public Task<IAsyncDisposable> LockAsync(string key, TimeSpan hold, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> TakeAsync(string key) => Task.FromResult(_values.Remove(key, out string? value) ? value : null);

        public Task<TimeSpan?> TryAcquireAsync(string bucket, int perMinute) => throw new NotSupportedException();

        public Task PingAsync() => Task.CompletedTask;
    }
}
