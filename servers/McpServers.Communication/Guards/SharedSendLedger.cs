using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;

namespace McpServers.Communication.Guards;

/// <summary>
/// The send ledger of an HTTP deployment whose replicas share Redis (<see cref="ISharedState"/>): one ledger per caller
/// (the person the access token names, as the file ledger is one per OS user over stdio), changed under a lock every
/// replica honours, so a cap reached through one replica holds on all of them.
/// </summary>
internal sealed class SharedSendLedger(ISharedState shared, TimeProvider time)
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    /// <summary>The entries of the last day for <paramref name="caller"/>, as last seen by this replica (for the pre-check only).</summary>
    private readonly Dictionary<string, List<LedgerEntry>> _lastSeen = new(StringComparer.Ordinal);

    public static string Describe => "in Redis, one ledger per caller, shared by the replicas";

    public List<LedgerEntry> LastSeen(string caller)
    {
        lock (_lastSeen)
        {
            DateTimeOffset since = time.GetUtcNow() - SendLedger.Horizon;
            return _lastSeen.TryGetValue(caller, out List<LedgerEntry>? entries) ? [.. entries.Where(e => e.At > since)] : [];
        }
    }

    /// <summary>Under the shared lock: reads the caller's entries, lets <paramref name="change"/> edit them (or throw), writes them back.</summary>
    public async Task UpdateAsync(string caller, Func<List<LedgerEntry>, bool> change, CancellationToken cancellationToken)
    {
        string key = Key(caller);
        await using IAsyncDisposable held = await shared.LockAsync(key, Hold, cancellationToken);
        List<LedgerEntry> entries = await ReadAsync(key);
        Remember(caller, entries);
        if (change(entries))
        {
            await shared.SetAsync(key, JsonSerializer.Serialize(new LedgerFile(1, entries), GuardJsonContext.Default.LedgerFile), SendLedger.Horizon);
            Remember(caller, entries);
        }
    }

    private async Task<List<LedgerEntry>> ReadAsync(string key)
    {
        DateTimeOffset since = time.GetUtcNow() - SendLedger.Horizon;
        try
        {
            LedgerFile? file = await shared.GetAsync(key) is { } json ? JsonSerializer.Deserialize(json, GuardJsonContext.Default.LedgerFile) : null;
            return [.. (file?.Sends ?? []).Where(e => e is { Id: not null, Tool: not null } && e.At > since)];
        }
        catch (JsonException e)
        {
            // Fail closed, as the file ledger does: caps that cannot be counted allow no send.
            throw new BackendException(BackendErrorKind.Unavailable,
                "The shared send ledger cannot be read, so the send caps cannot be checked and nothing is sent; an administrator must remove the damaged entry in Redis.", e);
        }
    }

    private void Remember(string caller, List<LedgerEntry> entries)
    {
        lock (_lastSeen)
        {
            if (_lastSeen.Count >= 10_000)
            {
                _lastSeen.Clear();
            }

            _lastSeen[caller] = [.. entries];
        }
    }

    private static string Key(string caller) => "send-ledger:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caller)));
}
