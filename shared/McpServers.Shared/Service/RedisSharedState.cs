using McpServers.Shared.Pipeline;
using StackExchange.Redis;

namespace McpServers.Shared.Service;

/// <summary>
/// <see cref="ISharedState"/> in Redis. Keys are prefixed with the server's name, so several servers can share one
/// Redis. Single use is Redis's own atomic GETDEL; the rate limit is a token bucket in one Lua script, timed by the
/// Redis server's clock so replicas with skewed clocks still share one bucket.
/// </summary>
internal sealed class RedisSharedState(IConnectionMultiplexer redis, string server) : ISharedState, IDisposable
{
    // KEYS[1] bucket; ARGV[1] capacity; ARGV[2] tokens per millisecond. Returns {taken (1/0), wait in ms}.
    private const string TokenBucket = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1]) or capacity
        local at = tonumber(state[2]) or now
        tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
        local taken = 0
        local wait = 0
        if tokens >= 1 then
          tokens = tokens - 1
          taken = 1
        else
          wait = math.ceil((1 - tokens) / rate)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
        return {taken, wait}
        """;

    // KEYS[1] lock; ARGV[1] the holder's token: only the holder releases it.
    private const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

#pragma warning disable CA5350 // SHA-1 names the script for EVALSHA, as Redis requires; it protects nothing.
    private static readonly byte[] TokenBucketSha1 = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(TokenBucket));
#pragma warning restore CA5350

    private readonly string _prefix = "mcp:" + server + ":";

    private IDatabase Db => redis.GetDatabase();

    public static RedisSharedState Connect(string connectionString, string server)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 10_000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 5_000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 5_000);
        options.ClientName = server;
        return new RedisSharedState(ConnectionMultiplexer.Connect(options), server);
    }

    public async Task<string> GetOrAddAsync(string key, string candidate)
    {
        RedisKey k = _prefix + key;
        await Db.StringSetAsync(k, candidate, when: When.NotExists);
        return (string?)await Db.StringGetAsync(k) ?? throw new InvalidOperationException("Redis lost a key it had just stored.");
    }

    public Task SetAsync(string key, string value, TimeSpan lifetime) => Db.StringSetAsync(_prefix + key, value, lifetime);

    public async Task<string?> GetAsync(string key) => await Db.StringGetAsync(_prefix + key);

    public Task DeleteAsync(string key) => Db.KeyDeleteAsync(_prefix + key);

    public async Task<IAsyncDisposable> LockAsync(string key, TimeSpan hold, CancellationToken cancellationToken)
    {
        RedisKey k = _prefix + "lock:" + key;
        string token = Guid.NewGuid().ToString("N");
        while (!await Db.StringSetAsync(k, token, hold, When.NotExists))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }

        return new Held(() => Db.ScriptEvaluateAsync(Release, [k], [token]));
    }

    private sealed class Held(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }

    public async Task<string?> TakeAsync(string key) => await Db.StringGetDeleteAsync(_prefix + key);

    public async Task<TimeSpan?> TryAcquireAsync(string bucket, int perMinute)
    {
        double perMs = perMinute / 60_000d;
        RedisKey[] keys = [_prefix + "bucket:" + bucket];
        RedisValue[] values = [perMinute, perMs.ToString("R", System.Globalization.CultureInfo.InvariantCulture)];
        RedisResult reply;
        try
        {
            // By its SHA-1 (EVALSHA): the script's text travels once per Redis server, not on every call.
            reply = await Db.ScriptEvaluateAsync(TokenBucketSha1, keys, values);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            reply = await Db.ScriptEvaluateAsync(TokenBucket, keys, values);
        }

        var result = (RedisResult[])reply!;
        return (int)result[0] == 1 ? null : TimeSpan.FromMilliseconds((long)result[1]);
    }

    public Task PingAsync() => Db.PingAsync();

    public void Dispose() => redis.Dispose();
}
