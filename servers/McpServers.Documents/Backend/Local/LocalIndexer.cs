using System.Diagnostics;
using McpServers.Documents.Extraction;
using McpServers.Documents.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpServers.Documents.Backend.Local;

/// <summary>Seams of the indexer: the batch size, and a call after each committed batch (tests gate the build there).</summary>
public class LocalIndexHooks
{
    /// <summary>Files read per transaction: memory stays flat whatever the tree's size.</summary>
    public virtual int BatchSize => 64;

    public virtual ValueTask BatchCommittedAsync(long done, long total, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>
/// Builds and refreshes the index in the background (never blocking <c>initialize</c>): walks the roots (links and
/// excluded entries are not followed), reads new and changed files (size or modification time differ), drops deleted
/// ones, in bounded batches, with a progress line on stderr while a build that was not complete runs.
/// </summary>
/// <remarks>
/// One writer at a time across processes: the writer holds <c>&lt;index&gt;.lock</c> opened with
/// <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Unix, a share lock on Windows) for the whole pass, and is
/// the only one that creates or writes the database; a process that cannot take it only reads (SQLite WAL: readers see
/// the last committed batch, and the progress the writer records in the <c>meta</c> table). A lock file rather than
/// <c>BEGIN IMMEDIATE</c> because a pass spans many transactions, and the OS drops the lock when a writer dies.
/// </remarks>
public sealed class LocalIndexer(LocalOptions options, LocalPaths paths, LocalIndex index, IOptions<DocumentsOptions> documents,
    LocalIndexHooks hooks, TimeProvider time, ILogger<LocalIndexer> logger) : IHostedService, IDisposable
{
    private const int ProgressEvery = 1000;

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _run;
    private DateTimeOffset _finished;

    /// <summary>The background pass, once started.</summary>
    public Task? Running
    {
        get
        {
            lock (_gate)
            {
                return _run;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.IndexOnStart)
        {
            EnsureStarted();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (Running is { } run)
        {
            await run.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Starts a pass in the background when none has run yet (the first search when <c>Local:IndexOnStart</c> is false),
    /// or when the last one ended at least <c>Local:RefreshInterval</c> ago; never while one runs.
    /// </summary>
    public void EnsureStarted()
    {
        lock (_gate)
        {
            bool due = _run is { IsCompleted: true } && options.RefreshInterval > TimeSpan.Zero && time.GetUtcNow() - _finished >= options.RefreshInterval;
            if (_run is null || due)
            {
                _run = Task.Run(() => RunLoggedAsync(_stopping.Token));
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>One pass over every root; false when another process holds the writer lock (then nothing is written).</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        using FileStream? writerLock = TryLock();
        if (writerLock is null)
        {
            LocalLog.IndexBusy(logger);
            return false;
        }

        var clock = Stopwatch.StartNew();
        List<Candidate> candidates = Walk();
        using SqliteConnection connection = index.OpenWriter();
        IndexProgress before = index.Progress();
        bool firstBuild = !before.Exists || before.Building;
        long total = candidates.Count;
        if (firstBuild)
        {
            LocalLog.IndexStarted(logger, total);
            LocalIndex.SetProgress(connection, null, building: true, 0, total);
        }

        // Roots no longer configured (an explicit Local:IndexPath kept across a change of roots) count as deleted.
        var existing = paths.Roots.Select(r => r.Name).Union(LocalIndex.RootsIn(connection), StringComparer.Ordinal)
            .ToDictionary(r => r, r => LocalIndex.Existing(connection, r), StringComparer.Ordinal);
        long done = 0, changed = 0, removed = 0, pending = 0;
        SqliteTransaction transaction = connection.BeginTransaction();
        try
        {
            foreach (Candidate candidate in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                done++;
                if (existing[candidate.Root].Remove(candidate.Relative, out IndexedFile? known) && known.Size == candidate.Size && known.Modified == candidate.Modified)
                {
                    continue;
                }

                LocalIndex.Write(connection, transaction, await ReadAsync(candidate, cancellationToken));
                changed++;
                if (++pending >= hooks.BatchSize)
                {
                    transaction = await CommitAsync(connection, transaction, done, total, firstBuild, cancellationToken);
                    pending = 0;
                }
            }

            foreach ((string root, Dictionary<string, IndexedFile> gone) in existing)
            {
                foreach (IndexedFile file in gone.Values)
                {
                    LocalIndex.Delete(connection, transaction, file.Id);
                    removed++;
                }
            }

            LocalIndex.SetProgress(connection, transaction, building: false, total, total);
            transaction.Commit();
        }
        finally
        {
            transaction.Dispose();
        }

        LocalLog.IndexReady(logger, total, changed, removed, clock.Elapsed.TotalSeconds);
        lock (_gate)
        {
            // A pass run directly (by --check, or the caller itself) counts as done: a search right after it must
            // not start another one over the same files and hold the writer lock for nothing.
            _run ??= Task.CompletedTask;
            _finished = time.GetUtcNow();
        }

        return true;
    }

    private async Task RunLoggedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the committed batches stay; the next pass goes on from them.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            LocalLog.IndexFailed(logger, e);
        }
        finally
        {
            lock (_gate)
            {
                _finished = time.GetUtcNow();
            }
        }
    }

    private async Task<SqliteTransaction> CommitAsync(SqliteConnection connection, SqliteTransaction transaction, long done, long total, bool firstBuild,
        CancellationToken cancellationToken)
    {
        LocalIndex.SetProgress(connection, transaction, building: firstBuild, done, total);
        transaction.Commit();
        transaction.Dispose();
        if (firstBuild && done / ProgressEvery != (done - hooks.BatchSize) / ProgressEvery)
        {
            LocalLog.IndexProgress(logger, done, total);
        }

        await hooks.BatchCommittedAsync(done, total, cancellationToken);
        return connection.BeginTransaction();
    }

    /// <summary>A file found by the walk.</summary>
    private sealed record Candidate(string Root, string Relative, string FullPath, long Size, long Modified);

    /// <summary>Every regular, visible, non-excluded file under the roots, sorted; links are not followed (their targets inside a root are indexed where they are).</summary>
    private List<Candidate> Walk()
    {
        var found = new List<Candidate>();
        var enumeration = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false };
        foreach (ResolvedRoot root in paths.Roots)
        {
            var folders = new Stack<(string Full, string Relative)>();
            folders.Push((root.RealPath, ""));
            while (folders.TryPop(out (string Full, string Relative) folder))
            {
                IEnumerable<FileSystemInfo> entries;
                try
                {
                    entries = [.. new DirectoryInfo(folder.Full).EnumerateFileSystemInfos("*", enumeration)];
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (FileSystemInfo entry in entries)
                {
                    string relative = folder.Relative.Length == 0 ? entry.Name : folder.Relative + "/" + entry.Name;
                    if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint) || paths.IsExcluded(relative) || !paths.SameFileSystem(root, entry.FullName, out EntryKind kind))
                    {
                        continue;
                    }

                    if (kind == EntryKind.Directory)
                    {
                        folders.Push((entry.FullName, relative));
                    }
                    else if (kind == EntryKind.File && entry is FileInfo file)
                    {
                        found.Add(new Candidate(root.Name, relative, file.FullName, file.Length, LocalFolderSource.UnixMilliseconds(file.LastWriteTimeUtc)));
                    }
                }
            }
        }

        found.Sort((a, b) => a.Root != b.Root ? string.CompareOrdinal(a.Root, b.Root) : string.CompareOrdinal(a.Relative, b.Relative));
        return found;
    }

    /// <summary>The file as an index entry; a file that cannot be read is still listed, with its reason.</summary>
    private async Task<IndexEntry> ReadAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        DocumentsOptions caps = documents.Value;
        string name = Path.GetFileName(candidate.Relative);
        string fallbackTitle = Path.GetFileNameWithoutExtension(name);
        IndexEntry Unread(string error) => new(candidate.Root, candidate.Relative, candidate.Size, candidate.Modified, fallbackTitle, null, error, "");
        if (candidate.Size > caps.MaxFileBytes)
        {
            return Unread($"not indexed: {candidate.Size} bytes is over the administrator's limit (Documents:MaxFileBytes, {caps.MaxFileBytes} bytes)");
        }

        // Checked again just before opening: a FIFO swapped in since the walk would block the open.
        if (UnixFiles.Kind(candidate.FullPath, out _) != EntryKind.File)
        {
            return Unread("not a regular file");
        }

        try
        {
            await using var stream = new FileStream(candidate.FullPath, new FileStreamOptions
            {
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            ExtractedText text = await TextExtraction.ExtractAsync(stream, name, LocalFolderSource.Limits(caps), cancellationToken);
            return new IndexEntry(candidate.Root, candidate.Relative, candidate.Size, candidate.Modified,
                LocalFolderSource.TitleOf(text.Markdown, fallbackTitle), text.Format, null, text.Markdown);
        }
        catch (ExtractionException e)
        {
            return Unread("could not be read: " + e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unread("could not be read: the file could not be opened");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Backends' files are untrusted: whatever a malformed file makes a reader throw stays that file's problem.
            LocalLog.FileFailed(logger, e);
            return Unread("could not be read: its content could not be extracted");
        }
    }

    private FileStream? TryLock()
    {
        index.CreateFolder();
        try
        {
            return LocalIndex.OpenUserOnly(index.File + ".lock", FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
