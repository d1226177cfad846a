using System.Globalization;
using McpServers.Documents.Extraction;
using McpServers.Documents.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;
using Microsoft.Extensions.Options;

namespace McpServers.Documents.Backend.Local;

/// <summary>
/// Allowlisted local folders (<c>Local:Roots</c>): search answers from the full-text index (<see cref="LocalIndex"/>,
/// possibly still building: then <see cref="SearchPage.Notice"/> says so); get, list and versions read the file system
/// fresh, every id checked by <see cref="LocalPaths"/>. Read-only; local files have no history.
/// </summary>
public sealed partial class LocalFolderSource(LocalPaths paths, LocalIndex index, LocalIndexer indexer, IOptions<DocumentsOptions> documents)
    : IDocumentSource
{
    public const string SourceName = "local";

    private const int MaxSnippetChars = 300;
    private const int MaxTitleChars = 200;

    public string Name => SourceName;

    public string Title => "Local folders";

    public bool HasVersions => false;

    public Task<SearchPage> SearchAsync(DocumentQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(page);
        indexer.EnsureStarted();
        string match = FtsQuery.From(query.Words);
        (ResolvedRoot? root, string? prefix) = (null, null);
        if (!string.IsNullOrEmpty(query.Container))
        {
            (root, string relative) = paths.Parse(query.Container, "container");
            prefix = relative.Length > 0 ? relative + "/" : null;
        }

        string[] types = [.. query.Types.Select(NormalizeType).Distinct(StringComparer.Ordinal)];
        long? from = query.ModifiedFrom?.ToUnixTimeMilliseconds();
        long? before = query.ModifiedBefore?.ToUnixTimeMilliseconds();
        string scope = string.Join('\n', "local-search", match, root?.Name, prefix, string.Join(',', types), from, before);
        int offset = Offset(scope, page.Cursor);
        int size = Math.Clamp(page.Size, 1, Math.Max(1, documents.Value.MaxResults));
        List<IndexHit> rows = index.Search(new IndexQuery(match, root?.Name, prefix, types, from, before, offset, size));
        // The index may still hold rows of a root or an exclusion the administrator has since changed (they go at the end
        // of the next full pass): only what the current settings allow is shown.
        DocumentHit[] hits = [.. rows.Take(size).Where(Allowed).Select(Hit)];
        string? next = rows.Count > size ? OpaqueCursor.Encode(scope, (offset + size).ToString(CultureInfo.InvariantCulture)) : null;
        return Task.FromResult(new SearchPage(Name, hits, null, next, size, Notice(index.Progress())));
    }

    public async Task<DocumentText> GetAsync(string documentId, string? version, CancellationToken cancellationToken)
    {
        LocalEntry entry = paths.File(documentId, "id");
        var info = new FileInfo(entry.RealPath);
        string current = VersionOf(info.Length, UnixMilliseconds(info.LastWriteTimeUtc));
        if (version is not null && !string.Equals(version, current, StringComparison.Ordinal))
        {
            throw new ToolInputException($"Local files keep no history: the only version of this file is {current}; omit `version` or pass that one.");
        }

        DocumentsOptions caps = documents.Value;
        if (info.Length > caps.MaxFileBytes)
        {
            throw new BackendException(BackendErrorKind.TooExpensive,
                $"This file is {info.Length} bytes, over the administrator's limit of {caps.MaxFileBytes} bytes (Documents:MaxFileBytes); it is listed but not read.");
        }

        ExtractedText text;
        try
        {
            await using var stream = new FileStream(entry.RealPath, new FileStreamOptions
            {
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            text = await TextExtraction.ExtractAsync(stream, Path.GetFileName(entry.Relative), Limits(caps), cancellationToken);
        }
        catch (ExtractionException e)
        {
            throw new BackendException(BackendErrorKind.Invalid, "This file could not be read: " + e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackendException(BackendErrorKind.Unavailable, "This file could not be opened; it may have been moved or its permissions changed.", e);
        }

        string markdown = TextHygiene.Clean(text.Markdown);
        return new DocumentText(entry.Id, TitleOf(markdown, Path.GetFileNameWithoutExtension(entry.Relative)), LocationOf(entry.Root.Name, entry.Relative),
            current, new DateTimeOffset(info.LastWriteTimeUtc), null, text.Format, markdown, text.Truncated, text.TruncationReason);
    }

    public Task<ListingPage> ListAsync(string? containerId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ListingEntry[] entries = string.IsNullOrEmpty(containerId)
            ? [.. paths.Roots.Select(r => new ListingEntry(LocalPaths.IdOf(r.Name, ""), r.Name, "root", Modified(new DirectoryInfo(r.RealPath)), null))]
            : Children(paths.Folder(containerId, "container"));
        string scope = "local-list\n" + containerId;
        int offset = Offset(scope, page.Cursor);
        int size = Math.Clamp(page.Size, 1, Math.Max(1, documents.Value.MaxResults));
        string? next = entries.Length > offset + size ? OpaqueCursor.Encode(scope, (offset + size).ToString(CultureInfo.InvariantCulture)) : null;
        return Task.FromResult(new ListingPage(Name, containerId, [.. entries.Skip(offset).Take(size)], next, size));
    }

    public Task<VersionPage> ListVersionsAsync(string documentId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        LocalEntry entry = paths.File(documentId, "id");
        var info = new FileInfo(entry.RealPath);
        var current = new VersionInfo(VersionOf(info.Length, UnixMilliseconds(info.LastWriteTimeUtc)), Modified(info), null,
            "local files keep no history: this is the file as it is now");
        return Task.FromResult(new VersionPage(entry.Id, [current], null, Math.Max(1, page.Size)));
    }

    public Task<SourceCheck> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (ResolvedRoot root in paths.Roots)
        {
            try
            {
                _ = Directory.EnumerateFileSystemEntries(root.RealPath).Any();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"the folder of root '{root.Name}' cannot be read");
            }
        }

        try
        {
            index.CreateFolder();
            using var probe = new FileStream(Path.Combine(Path.GetDirectoryName(index.File)!, $".write-check-{Guid.NewGuid():N}"), FileMode.CreateNew,
                FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"the index folder {Path.GetDirectoryName(index.File)} is not writable (set Local:IndexPath)");
        }

        string roots = string.Join(", ", paths.Roots.Select(r => r.Name));
        return Task.FromResult(problems.Count == 0
            ? new SourceCheck(Name, true, $"{paths.Roots.Count} folder(s) readable ({roots}); index {index.File} writable, {index.Count()} files indexed.")
            : new SourceCheck(Name, false, string.Join("; ", problems) + "."));
    }

    internal static ExtractionLimits Limits(DocumentsOptions caps) => new(caps.MaxFileBytes, caps.MaxDocumentChars, caps.MaxPages, caps.MaxZipEntryBytes);

    /// <summary>The first Markdown heading of the first lines, else the file name.</summary>
    internal static string TitleOf(string markdown, string fallback)
    {
        foreach (string line in markdown.AsSpan(0, Math.Min(markdown.Length, 4000)).ToString().Split('\n').Take(40))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal) && line[2..].Trim() is { Length: > 0 } heading)
            {
                return TextHygiene.CleanAndTruncate(heading, MaxTitleChars);
            }
        }

        return TextHygiene.CleanAndTruncate(fallback, MaxTitleChars);
    }

    internal static long UnixMilliseconds(DateTime utc) => new DateTimeOffset(utc).ToUnixTimeMilliseconds();

    /// <summary>Local files have no versions: the fingerprint of modification time and size stands for one.</summary>
    internal static string VersionOf(long size, long modified) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.FromUnixTimeMilliseconds(modified):yyyyMMdd'T'HHmmss.fff'Z'}-{size}");

    private ListingEntry[] Children(LocalEntry folder)
    {
        IEnumerable<string> names;
        try
        {
            names = [.. new DirectoryInfo(folder.RealPath).EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 })
                .Select(i => i.Name)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackendException(BackendErrorKind.Unavailable, "This folder could not be read.", e);
        }

        var entries = new List<ListingEntry>();
        foreach (string name in names)
        {
            string relative = folder.Relative.Length == 0 ? name : folder.Relative + "/" + name;
            if (paths.Inspect(folder.Root, Path.Join(folder.Root.RealPath, relative)) is not { } child)
            {
                continue;
            }

            FileSystemInfo info = child.Kind == EntryKind.Directory ? new DirectoryInfo(child.RealPath) : new FileInfo(child.RealPath);
            entries.Add(new ListingEntry(child.Id, TextHygiene.Clean(name), child.Kind == EntryKind.Directory ? "folder" : "file", Modified(info),
                info is FileInfo file ? file.Length : null));
        }

        return [.. entries.OrderBy(e => e.Kind == "folder" ? 0 : 1).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Name, StringComparer.Ordinal)];
    }

    private bool Allowed(IndexHit row) =>
        paths.Roots.Any(r => string.Equals(r.Name, row.Root, StringComparison.Ordinal)) && !paths.IsExcluded(row.Path);

    private DocumentHit Hit(IndexHit row)
    {
        string? snippet = row.Error is not null ? row.Error : row.Snippet is { Length: > 0 } s ? TextHygiene.CleanAndTruncate(s, MaxSnippetChars) : null;
        return new DocumentHit(LocalPaths.IdOf(row.Root, row.Path), TextHygiene.Clean(row.Title), LocationOf(row.Root, row.Path), snippet,
            DateTimeOffset.FromUnixTimeMilliseconds(row.Modified), VersionOf(row.Size, row.Modified), null);
    }

    private static string? Notice(IndexProgress progress) => progress switch
    {
        { Exists: false } => "The local index is still building: no file indexed yet; search again shortly.",
        { Building: true } => $"The local index is still building: {progress.Done} of {progress.Total} files indexed; results may be incomplete.",
        _ => null,
    };

    /// <summary>The root and folder a file sits in, for people: <c>handbook/policies</c>.</summary>
    private static string LocationOf(string root, string relative)
    {
        int slash = relative.LastIndexOf('/');
        return TextHygiene.Clean(slash < 0 ? root : root + "/" + relative[..slash]);
    }

    private static string NormalizeType(string type)
    {
        string normalized = type.Trim().TrimStart('.').ToLowerInvariant();
        return normalized.Length is > 0 and <= 10 && normalized.All(char.IsAsciiLetterOrDigit)
            ? normalized
            : throw new ToolInputException("`types` are file extensions without the dot, e.g. md, pdf, docx.");
    }

    private static int Offset(string scope, string? cursor) =>
        cursor is null ? 0 : int.Parse(OpaqueCursor.Decode(scope, cursor), CultureInfo.InvariantCulture);

    private static DateTimeOffset? Modified(FileSystemInfo info) => info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc) : null;
}
