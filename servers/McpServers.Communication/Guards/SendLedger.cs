using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Guards;

/// <summary>One counted send in the ledger.</summary>
/// <param name="Id">Which reservation counted it (so a send that failed can be un-counted).</param>
/// <param name="Tool">The send tool.</param>
/// <param name="At">When it was counted (UTC).</param>
internal sealed record LedgerEntry(string Id, string Tool, DateTimeOffset At);

/// <summary>The ledger file's content.</summary>
internal sealed record LedgerFile(int Version, IReadOnlyList<LedgerEntry> Sends);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(LedgerFile))]
internal sealed partial class GuardJsonContext : JsonSerializerContext;

/// <summary>
/// The sends of the last day, in one JSON file per OS user shared by every mcp-communication process of that user, so
/// the caps hold across restarts and parallel clients. A change holds a sibling <c>.lock</c> file open exclusively (an
/// OS lock, released by the OS if the process dies) while it reads, checks, appends and writes; the file is replaced
/// atomically (a new file, then a rename), so a reader without the lock sees the old or the new ledger, never half.
/// The folder is user-only (0700) on Unix: the ledger says when the user sent what.
/// </summary>
internal sealed class SendLedger(string path, TimeProvider time)
{
    /// <summary>Entries older than this are dropped: no cap looks further back.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(20);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>How long a change waits for another process's change before it gives up with a busy error.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The entries of the last day, read without the lock (the file is only ever replaced whole).</summary>
    public List<LedgerEntry> Read()
    {
        DateTimeOffset since = time.GetUtcNow() - Horizon;
        LedgerFile? file;
        try
        {
            using var stream = new FileStream(Path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
            });
            file = JsonSerializer.Deserialize(stream, GuardJsonContext.Default.LedgerFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        catch (JsonException e)
        {
            // Fail closed: a ledger that cannot be read cannot prove the caps are not reached.
            throw new BackendException(BackendErrorKind.Unavailable,
                "The send ledger (Guards:StorePath) cannot be read, so the send caps cannot be checked and nothing is sent; " +
                "an administrator must repair or remove the file.", e);
        }

        return [.. (file?.Sends ?? []).Where(e => e is { Id: not null, Tool: not null } && e.At > since)];
    }

    /// <summary>
    /// Under the lock: reads the entries of the last day, lets <paramref name="change"/> edit them (it may throw to
    /// refuse; then nothing is written) and writes them back when it returns true.
    /// </summary>
    public async Task UpdateAsync(Func<List<LedgerEntry>, bool> change, CancellationToken cancellationToken)
    {
        await using FileStream held = await LockAsync(cancellationToken);
        List<LedgerEntry> entries = Read();
        if (change(entries))
        {
            Write(entries);
        }
    }

    private void Write(List<LedgerEntry> entries)
    {
        string temporary = Path + ".new";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, new LedgerFile(1, entries), GuardJsonContext.Default.LedgerFile);
            // On disk before the rename, so a power loss cannot leave an empty ledger (and reset the caps).
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        CreateFolder();
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // Wall-clock wait (not the injected TimeProvider, which tests stop): another process holds the lock for one
        // read and write of a small file.
        long started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", options);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < LockWait)
            {
                await Task.Delay(LockPoll, cancellationToken);
            }
            catch (IOException e)
            {
                throw new BackendException(BackendErrorKind.Unavailable,
                    $"Another mcp-communication process has held the send ledger for {LockWait.TotalSeconds:0} s; nothing was sent. Try again in a moment.", e);
            }
        }
    }

    private void CreateFolder()
    {
        string folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
