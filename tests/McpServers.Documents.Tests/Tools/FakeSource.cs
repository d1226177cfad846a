using System.Collections.Concurrent;
using System.Globalization;
using McpServers.Documents.Backend;
using McpServers.Shared.Errors;

namespace McpServers.Documents.Tests.Tools;

/// <summary>
/// An in-memory source for the tool tests: documents with numbered versions (the last is current), one container
/// per source, substring search, integer-offset cursors. Records what the tools asked so tests can assert on it.
/// Not a vendor fake: the sources' own tests cover their backends.
/// </summary>
public sealed class FakeSource(string name, bool hasVersions = true) : IDocumentSource
{
    private readonly List<(string Id, string Title, List<string> Versions)> _documents = [];

    public string Name => name;

    public string Title => $"Fake {name}";

    public bool HasVersions => hasVersions;

    public string? Notice { get; set; }

    public BackendException? Failure { get; set; }

    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<DocumentQuery> Queries { get; } = new();

    public ConcurrentQueue<PageRequest> Pages { get; } = new();

    public string Container => $"{name}:space";

    public FakeSource Add(string localId, string title, params string[] versions)
    {
        _documents.Add(($"{name}:{localId}", title, [.. versions]));
        return this;
    }

    public Task<SearchPage> SearchAsync(DocumentQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        Calls.Enqueue("search");
        Queries.Enqueue(query);
        Pages.Enqueue(page);
        ThrowIfFailing();
        var hits = _documents.Where(d => d.Versions[^1].Contains(query.Words, StringComparison.OrdinalIgnoreCase) || d.Title.Contains(query.Words, StringComparison.OrdinalIgnoreCase))
            .Select(d => new DocumentHit(d.Id, d.Title, "Space", "…" + query.Words + "…", Modified(d.Versions.Count), d.Versions.Count.ToString(CultureInfo.InvariantCulture), $"https://docs.example/{d.Id}"))
            .ToList();
        (int start, int end) = Slice(page, hits.Count);
        return Task.FromResult(new SearchPage(name, hits[start..end], hits.Count, end < hits.Count ? end.ToString(CultureInfo.InvariantCulture) : null, page.Size, Notice));
    }

    public Task<DocumentText> GetAsync(string documentId, string? version, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"get {documentId} {version}");
        ThrowIfFailing();
        var d = Find(documentId);
        int v = version is null ? d.Versions.Count : int.TryParse(version, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= d.Versions.Count
            ? n : throw new BackendException(BackendErrorKind.NotFound, "That version does not exist.");
        return Task.FromResult(new DocumentText(d.Id, d.Title, "Space", v.ToString(CultureInfo.InvariantCulture), Modified(v), $"https://docs.example/{d.Id}",
            "markdown", d.Versions[v - 1], false, null));
    }

    public Task<ListingPage> ListAsync(string? containerId, PageRequest page, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"list {containerId}");
        Pages.Enqueue(page);
        ThrowIfFailing();
        List<ListingEntry> entries = containerId is null
            ? [new ListingEntry(Container, $"{name} space", "space", null, null)]
            : [.. _documents.Select(d => new ListingEntry(d.Id, d.Title, "page", Modified(d.Versions.Count), d.Versions[^1].Length))];
        (int start, int end) = Slice(page, entries.Count);
        return Task.FromResult(new ListingPage(name, containerId, entries[start..end], end < entries.Count ? end.ToString(CultureInfo.InvariantCulture) : null, page.Size));
    }

    public Task<VersionPage> ListVersionsAsync(string documentId, PageRequest page, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"versions {documentId}");
        var d = Find(documentId);
        List<VersionInfo> versions = [.. Enumerable.Range(1, d.Versions.Count).Reverse()
            .Select(v => new VersionInfo(v.ToString(CultureInfo.InvariantCulture), Modified(v), "Jane Doe", v == 1 ? "first" : null))];
        (int start, int end) = Slice(page, versions.Count);
        return Task.FromResult(new VersionPage(documentId, versions[start..end], end < versions.Count ? end.ToString(CultureInfo.InvariantCulture) : null, page.Size));
    }

    public Task<SourceCheck> CheckAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult(new SourceCheck(name, true, $"{_documents.Count} documents visible"));
    }

    private (string Id, string Title, List<string> Versions) Find(string id) =>
        _documents.FirstOrDefault(d => d.Id == id) is { Id: not null } d ? d : throw new BackendException(BackendErrorKind.NotFound, "Document not found or not visible to you.");

    private static (int Start, int End) Slice(PageRequest page, int count)
    {
        int start = page.Cursor is null ? 0 : int.Parse(page.Cursor, CultureInfo.InvariantCulture);
        return (Math.Min(start, count), Math.Min(start + page.Size, count));
    }

    private static DateTimeOffset Modified(int version) => new(2026, 1, version, 9, 30, 0, TimeSpan.Zero);

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}

/// <summary>A writer for the write tools' tests: records every check and write; a stale base version is refused as Confluence does (409).</summary>
public sealed class FakeWriter(string name, string currentVersion = "7") : IDocumentWriter
{
    public string Name => name;

    public ConcurrentQueue<PageWrite> Checks { get; } = new();

    public ConcurrentQueue<object> Writes { get; } = new();

    public Task<WritePreview> CheckAsync(PageWrite write, CancellationToken cancellationToken)
    {
        Checks.Enqueue(write);
        Stale(write);
        return Task.FromResult(new WritePreview(write.DocumentId is null ? "Create" : "Update", "Space HR", write.Title, write.DocumentId is null ? null : currentVersion));
    }

    public Task<PageWritten> CreatePageAsync(PageWrite write, CancellationToken cancellationToken)
    {
        Writes.Enqueue(write);
        return Task.FromResult(new PageWritten($"{name}:new", write.Title, "1", "https://docs.example/new"));
    }

    public Task<PageWritten> UpdatePageAsync(PageWrite write, CancellationToken cancellationToken)
    {
        Stale(write);
        Writes.Enqueue(write);
        return Task.FromResult(new PageWritten(write.DocumentId!, write.Title, "8", "https://docs.example/updated"));
    }

    public Task<PageWritten> AddCommentAsync(string documentId, string markdown, CancellationToken cancellationToken)
    {
        Writes.Enqueue((documentId, markdown));
        return Task.FromResult(new PageWritten($"{documentId}#comment", "Comment", null, null));
    }

    private void Stale(PageWrite write)
    {
        if (write.BaseVersion is { } v && v != currentVersion)
        {
            throw new BackendException(BackendErrorKind.Conflict, $"The page changed since version {v}: it is now version {currentVersion}. Read it again and retry.");
        }
    }
}
