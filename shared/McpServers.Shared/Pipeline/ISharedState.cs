namespace McpServers.Shared.Pipeline;

/// <summary>
/// State that every replica of an HTTP deployment must see alike (Redis, <c>Service:RedisConnectionString</c>): the
/// cursor signing key, single-use confirmation tokens, rate-limit buckets, the clients' names and per-user backend sign-ins. Not registered over
/// stdio or without Redis: then each piece of state lives in this process, as it always has.
/// </summary>
public interface ISharedState
{
    /// <summary>The value stored under <paramref name="key"/>, storing <paramref name="candidate"/> first if there is none (atomic).</summary>
    Task<string> GetOrAddAsync(string key, string candidate);

    Task SetAsync(string key, string value, TimeSpan lifetime);

    Task<string?> GetAsync(string key);

    Task DeleteAsync(string key);

    /// <summary>
    /// Holds <paramref name="key"/> exclusively across replicas until disposed, and at most <paramref name="hold"/> (so a
    /// replica that dies holding it cannot block the others for ever). Waits while another holds it.
    /// </summary>
    Task<IAsyncDisposable> LockAsync(string key, TimeSpan hold, CancellationToken cancellationToken);

    /// <summary>Reads and deletes <paramref name="key"/> in one step: of two replicas taking it at once, one gets null.</summary>
    Task<string?> TakeAsync(string key);

    /// <summary>
    /// Takes one token from the bucket <paramref name="bucket"/> (capacity and refill: <paramref name="perMinute"/>
    /// per minute). Null when taken; otherwise how long until one is available.
    /// </summary>
    Task<TimeSpan?> TryAcquireAsync(string bucket, int perMinute);

    /// <summary>Throws when the store cannot be reached (for <c>/readyz</c> and <c>--check</c>).</summary>
    Task PingAsync();
}
