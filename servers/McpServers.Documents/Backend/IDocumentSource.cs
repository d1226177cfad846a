namespace McpServers.Documents.Backend;

/// <summary>
/// One configured backend of documents (a local folder set, a Confluence site, a SharePoint/OneDrive tenant). A server
/// instance has one or more; <see cref="DocumentSources"/> finds them by <see cref="Name"/>. Every method applies the
/// source's allowlist (roots, spaces, sites/drives) and the signed-in user's own permissions; ids are validated by the
/// source (<c>ToolInputException</c> naming the expected shape); every text returned is cleaned of control and bidi
/// characters and capped by the administrator's limits; failures are <c>BackendException</c>s with safe messages (a
/// document outside the allowlist or the user's visibility: NotFound, "not found or not visible to you").
/// </summary>
/// <remarks>
/// Document and container ids are opaque to the model and start with the source name: <c>local:…</c>,
/// <c>confluence:…</c>, <c>sharepoint:…</c>. The part after the first colon is the source's own.
/// </remarks>
public interface IDocumentSource
{
    /// <summary>The id prefix and the <c>source</c> argument value: <c>local</c>, <c>confluence</c> or <c>sharepoint</c>.</summary>
    string Name { get; }

    /// <summary>For people: e.g. "Local folders", "Confluence Cloud", "SharePoint".</summary>
    string Title { get; }

    /// <summary>Whether the source keeps versions (<see cref="ListVersionsAsync"/> answers more than the current one).</summary>
    bool HasVersions { get; }

    /// <summary>Full-text search; <see cref="DocumentQuery.Container"/>, when set, is a container id of this source.</summary>
    Task<SearchPage> SearchAsync(DocumentQuery query, PageRequest page, CancellationToken cancellationToken);

    /// <summary>A document's text as Markdown (the current version, or <paramref name="version"/>), extracted and capped.</summary>
    Task<DocumentText> GetAsync(string documentId, string? version, CancellationToken cancellationToken);

    /// <summary>What is inside a container (null: the top level — roots, spaces, sites), folders first.</summary>
    Task<ListingPage> ListAsync(string? containerId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Versions, newest first; a source without versions answers the current one only.</summary>
    Task<VersionPage> ListVersionsAsync(string documentId, PageRequest page, CancellationToken cancellationToken);

    /// <summary><c>--check</c>: reach the source once and say what is allowed and visible.</summary>
    Task<SourceCheck> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A source that can write (Confluence only in this issue). Registered beside its <see cref="IDocumentSource"/>; the
/// write tools are hidden and refused unless --allow-writes, and only in allowlisted spaces.
/// </summary>
public interface IDocumentWriter
{
    string Name { get; }

    /// <summary>Checks a write before the confirmation preview (space allowed, parent visible, title free, version current).</summary>
    Task<WritePreview> CheckAsync(PageWrite write, CancellationToken cancellationToken);

    Task<PageWritten> CreatePageAsync(PageWrite write, CancellationToken cancellationToken);

    /// <summary>Refused with the current version number when <see cref="PageWrite.BaseVersion"/> is stale (Confluence 409).</summary>
    Task<PageWritten> UpdatePageAsync(PageWrite write, CancellationToken cancellationToken);

    Task<PageWritten> AddCommentAsync(string documentId, string markdown, CancellationToken cancellationToken);
}

/// <summary>A page request: <see cref="Size"/> capped by the tool; <see cref="Cursor"/> the previous page's opaque next cursor.</summary>
public sealed record PageRequest(int Size, string? Cursor);

/// <summary>Search inputs, all optional but <see cref="Words"/>; the source builds its own query (CQL, Graph KQL, FTS5) escaping every value.</summary>
public sealed record DocumentQuery
{
    public required string Words { get; init; }
    public string? Container { get; init; }

    /// <summary>File types by extension without the dot (pdf, docx, md, page for Confluence pages).</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    public DateTimeOffset? ModifiedFrom { get; init; }
    public DateTimeOffset? ModifiedBefore { get; init; }
}

// What sources return. Where a record is also a tool's structured content it is written snake_case.

/// <summary><see cref="Location"/>: where it sits for people (space / folder path); <see cref="Snippet"/> cleaned, short.</summary>
public sealed record DocumentHit(string Id, string Title, string Location, string? Snippet, DateTimeOffset? Modified,
    string? Version, string? Url);

/// <summary>
/// A page of hits. <see cref="Notice"/> carries what the source wants said (e.g. "the local index is still building:
/// 1 200 of 10 000 files indexed"); <see cref="NextCursor"/> is set when there is more.
/// </summary>
public sealed record SearchPage(string Source, IReadOnlyList<DocumentHit> Hits, long? Total, string? NextCursor, int PageSize,
    string? Notice = null);

/// <summary>
/// A document as Markdown. <see cref="Truncated"/> when extraction stopped at the administrator's cap
/// (<see cref="TruncationReason"/> says which); the tool pages through <see cref="Markdown"/> by character offset.
/// </summary>
public sealed record DocumentText(string Id, string Title, string Location, string? Version, DateTimeOffset? Modified,
    string? Url, string Format, string Markdown, bool Truncated, string? TruncationReason);

/// <summary><see cref="Kind"/>: root, space, site, drive, folder, page or file.</summary>
public sealed record ListingEntry(string Id, string Name, string Kind, DateTimeOffset? Modified, long? Size);

public sealed record ListingPage(string Source, string? Container, IReadOnlyList<ListingEntry> Entries, string? NextCursor, int PageSize);

public sealed record VersionInfo(string Version, DateTimeOffset? Modified, string? Author, string? Message);

public sealed record VersionPage(string Id, IReadOnlyList<VersionInfo> Versions, string? NextCursor, int PageSize);

public sealed record SourceCheck(string Source, bool Ok, string Detail);

/// <summary>
/// A page to create (<see cref="DocumentId"/> null: <see cref="Container"/> is the space or parent page id) or update
/// (<see cref="DocumentId"/> and <see cref="BaseVersion"/> set). <see cref="Markdown"/> is converted to the storage format.
/// </summary>
public sealed record PageWrite(string? DocumentId, string? Container, string Title, string Markdown, string? BaseVersion);

/// <summary>What a write will do, for the confirmation preview.</summary>
public sealed record WritePreview(string Action, string Location, string Title, string? CurrentVersion);

public sealed record PageWritten(string Id, string Title, string? Version, string? Url);
