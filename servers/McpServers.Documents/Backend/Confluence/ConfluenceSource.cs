using System.Globalization;
using McpServers.Documents.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>A container id of this source: a space (<c>confluence:space:KEY</c>) or a page (<c>confluence:123</c>).</summary>
internal sealed record ConfluenceContainer(string? SpaceKey, string? PageId);

/// <summary>
/// Confluence pages as documents. Ids are <c>confluence:&lt;page id&gt;</c>, containers also <c>confluence:space:&lt;KEY&gt;</c>.
/// The space allowlist (Confluence:Spaces) is applied to every call: searches are ANDed with it in CQL and every hit is
/// checked again, a page is shown only when Confluence says it is in an allowed space, and anything outside is "not
/// found or not visible to you", exactly as a page the user may not see. Page text is rendered to Markdown, cleaned
/// and capped by the administrator's Documents: limits.
/// </summary>
internal sealed class ConfluenceSource(ConfluenceClient client, ConfluenceOptions options, DocumentsOptions limits) : IDocumentSource
{
    public const string SourceName = "confluence";
    private const string Prefix = SourceName + ":";
    private const string SpacePrefix = Prefix + "space:";
    private const int MaxPageSize = 100;
    private const int MaxSnippetChars = 300;

    public string Name => SourceName;

    public string Title => options.Flavor switch
    {
        ConfluenceFlavor.Cloud => "Confluence Cloud",
        ConfluenceFlavor.DataCenter => "Confluence Data Center",
        _ => "Confluence",
    };

    public bool HasVersions => true;

    public async Task<SearchPage> SearchAsync(DocumentQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(page);
        int limit = Math.Clamp(page.Size, 1, MaxPageSize);
        if (query.Types.Count > 0 && !query.Types.Contains("page", StringComparer.OrdinalIgnoreCase))
        {
            return new SearchPage(Name, [], 0, null, limit, "Confluence holds pages only: search it with type `page` or without a type.");
        }

        CqlScope? scope = null;
        if (query.Container is { } container)
        {
            scope = ParseContainer(container, "container") switch
            {
                { SpaceKey: { } key } => new CqlScope((await VisibleSpaceAsync(key, cancellationToken)).Key, null),
                { PageId: { } id } => new CqlScope(null, (await VisiblePageAsync(id, null, false, cancellationToken)).Id),
                _ => null,
            };
        }

        string cql = Cql.Build(query, options.Spaces, scope);
        string cursorScope = "confluence:search:" + cql;
        string? position = page.Cursor is null ? null : OpaqueCursor.Decode(cursorScope, page.Cursor);
        ConfluenceBatch<ConfluencePage> found = await client.SearchAsync(cql, limit, position, cancellationToken);
        bool cloud = await client.IsCloudAsync(cancellationToken);
        IReadOnlyList<ConfluenceSpace> spaces = await client.SpacesAsync(cancellationToken);
        // The CQL already holds the allowlist; a hit outside it (or with an id that is not one) is dropped all the same.
        DocumentHit[] hits = [.. found.Items.Where(p => p.SpaceKey is not null && IsPageId(p.Id)).Take(limit).Select(p => new DocumentHit(
            Prefix + p.Id, p.Title, Location(p.SpaceKey!, spaces), Snippet(p.Excerpt), p.Modified, VersionText(p.Version), Url(p, cloud)))];
        return new SearchPage(Name, hits, found.Total, found.Next is { } next ? OpaqueCursor.Encode(cursorScope, next) : null, limit);
    }

    public async Task<DocumentText> GetAsync(string documentId, string? version, CancellationToken cancellationToken)
    {
        string id = ParsePageId(documentId, "id");
        int? number = version is null ? null : ParseVersion(version, "version");
        ConfluencePage page = await VisiblePageAsync(id, number, true, cancellationToken);
        string markdown;
        try
        {
            markdown = page.Body is not { Length: > 0 } body ? "" : page.BodyIsAdf ? AdfFormat.ToMarkdown(body) : StorageFormat.ToMarkdown(body);
        }
        catch (InvalidOperationException)
        {
            markdown = "[the page body could not be read]";
        }

        markdown = TextHygiene.Clean(markdown);
        bool truncated = markdown.Length > limits.MaxDocumentChars;
        if (truncated)
        {
            markdown = TextHygiene.Truncate(markdown, limits.MaxDocumentChars);
        }

        bool cloud = await client.IsCloudAsync(cancellationToken);
        return new DocumentText(Prefix + page.Id, page.Title, Location(page.SpaceKey!, await client.SpacesAsync(cancellationToken)),
            VersionText(page.Version) ?? VersionText(number), page.Modified, Url(page, cloud), page.BodyIsAdf ? "confluence-adf" : "confluence-storage",
            markdown, truncated, truncated ? $"the page is longer than {limits.MaxDocumentChars} characters (Documents:MaxDocumentChars)" : null);
    }

    public async Task<ListingPage> ListAsync(string? containerId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        int limit = Math.Clamp(page.Size, 1, MaxPageSize);
        if (containerId is null)
        {
            IReadOnlyList<ConfluenceSpace> spaces = await client.SpacesAsync(cancellationToken);
            return new ListingPage(Name, null, [.. spaces.Select(s => new ListingEntry(SpacePrefix + s.Key, s.Name, "space", null, null))], null, spaces.Count);
        }

        ConfluenceContainer container = ParseContainer(containerId, "container");
        ConfluenceSpace? space = container.SpaceKey is { } key ? await VisibleSpaceAsync(key, cancellationToken) : null;
        string? parent = container.PageId is { } id ? (await VisiblePageAsync(id, null, false, cancellationToken)).Id : null;
        string cursorScope = "confluence:list:" + containerId;
        string? position = page.Cursor is null ? null : OpaqueCursor.Decode(cursorScope, page.Cursor);
        ConfluenceBatch<ConfluencePage> children = await client.ChildrenAsync(space, parent, limit, position, cancellationToken);
        ListingEntry[] entries = [.. children.Items.Where(p => p.SpaceKey is not null && IsPageId(p.Id)).Take(limit)
            .Select(p => new ListingEntry(Prefix + p.Id, p.Title, "page", p.Modified, null))];
        return new ListingPage(Name, containerId, entries, children.Next is { } next ? OpaqueCursor.Encode(cursorScope, next) : null, limit);
    }

    public async Task<VersionPage> ListVersionsAsync(string documentId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        string id = ParsePageId(documentId, "id");
        int limit = Math.Clamp(page.Size, 1, MaxPageSize);
        await VisiblePageAsync(id, null, false, cancellationToken);
        string cursorScope = "confluence:versions:" + id;
        string? position = page.Cursor is null ? null : OpaqueCursor.Decode(cursorScope, page.Cursor);
        ConfluenceBatch<ConfluencePage> versions = await client.VersionsAsync(id, limit, position, cancellationToken);
        VersionInfo[] infos = [.. versions.Items.Where(v => v.Version is not null).OrderByDescending(v => v.Version).Take(limit)
            .Select(v => new VersionInfo(VersionText(v.Version)!, v.Modified, Short(v.Author), Short(v.Message)))];
        return new VersionPage(Prefix + id, infos, versions.Next is { } next ? OpaqueCursor.Encode(cursorScope, next) : null, limit);
    }

    public async Task<SourceCheck> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            bool cloud = await client.IsCloudAsync(cancellationToken);
            IReadOnlyList<ConfluenceSpace> spaces = await client.SpacesAsync(cancellationToken);
            string[] missing = [.. options.Spaces.Where(k => !spaces.Any(s => s.Key == k))];
            string detail = $"reached Confluence {(cloud ? "Cloud" : "Data Center")} at {options.BaseUrl}; visible spaces: "
                + (spaces.Count == 0 ? "none" : string.Join(", ", spaces.Select(s => s.Key)))
                + (missing.Length > 0 ? $"; not visible to the account (check CONFLUENCE_SPACES, Confluence:Spaces): {string.Join(", ", missing)}" : "");
            return new SourceCheck(Name, spaces.Count > 0, detail);
        }
        catch (BackendException e)
        {
            return new SourceCheck(Name, false, (e.SafeMessage ?? "Confluence could not be reached.") + $" Check CONFLUENCE_URL (Confluence:BaseUrl) and {options.CredentialSettings}.");
        }
    }

    /// <summary>A page Confluence shows in an allowed space; anything else is not found, as a page the user may not see.</summary>
    internal async Task<ConfluencePage> VisiblePageAsync(string pageId, int? version, bool body, CancellationToken cancellationToken)
    {
        ConfluencePage page = await client.GetPageAsync(pageId, version, body, cancellationToken);
        if (page.SpaceKey is null || page.Id != pageId)
        {
            throw new BackendException(BackendErrorKind.NotFound, $"Page {Prefix}{pageId} was not found or is not visible to you.");
        }

        return page;
    }

    internal async Task<ConfluenceSpace> VisibleSpaceAsync(string key, CancellationToken cancellationToken) =>
        (await client.SpacesAsync(cancellationToken)).FirstOrDefault(s => s.Key == key)
        ?? throw new BackendException(BackendErrorKind.NotFound, $"Space {SpacePrefix}{Short(key)} was not found or is not visible to you.");

    internal async Task<string> LocationAsync(string spaceKey, CancellationToken cancellationToken) =>
        Location(spaceKey, await client.SpacesAsync(cancellationToken));

    internal async Task<string> UrlAsync(ConfluencePage page, CancellationToken cancellationToken) =>
        Url(page, await client.IsCloudAsync(cancellationToken));

    internal static string ParsePageId(string documentId, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        string own = documentId.StartsWith(Prefix, StringComparison.Ordinal) ? documentId[Prefix.Length..] : "";
        return IsPageId(own) ? own : throw new ToolInputException(
            $"`{parameterName}` must be a Confluence page id like confluence:123456, as returned by docs_search or docs_list.");
    }

    internal static ConfluenceContainer ParseContainer(string containerId, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(containerId);
        if (containerId.StartsWith(SpacePrefix, StringComparison.Ordinal))
        {
            string key = containerId[SpacePrefix.Length..];
            return ConfluenceOptions.SpaceKeyPattern().IsMatch(key) ? new ConfluenceContainer(key, null) : throw new ToolInputException(
                $"`{parameterName}` must be a Confluence space (confluence:space:KEY) or page (confluence:123456), as returned by docs_list.");
        }

        try
        {
            return new ConfluenceContainer(null, ParsePageId(containerId, parameterName));
        }
        catch (ToolInputException)
        {
            throw new ToolInputException(
                $"`{parameterName}` must be a Confluence space (confluence:space:KEY) or page (confluence:123456), as returned by docs_list.");
        }
    }

    internal static int ParseVersion(string version, string parameterName) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number > 0
            ? number
            : throw new ToolInputException($"`{parameterName}` must be a Confluence page version number, e.g. 3, as returned by docs_list_versions.");

    internal static string? VersionText(int? version) => version?.ToString(CultureInfo.InvariantCulture);

    private static bool IsPageId(string id) => id.Length is > 0 and <= 20 && id.All(char.IsAsciiDigit);

    private static string Location(string spaceKey, IReadOnlyList<ConfluenceSpace> spaces) =>
        spaces.FirstOrDefault(s => s.Key == spaceKey) is { } space && space.Name != space.Key ? $"{space.Name} ({space.Key})" : spaceKey;

    /// <summary>Links are built from the configured site and the page id, never taken from Confluence's answer.</summary>
    private string Url(ConfluencePage page, bool cloud)
    {
        Uri site = options.SiteUrl ?? options.BaseUrl;
        return cloud
            ? new Uri(site, $"wiki/spaces/{Uri.EscapeDataString(page.SpaceKey ?? "")}/pages/{page.Id}").ToString()
            : new Uri(site, $"pages/viewpage.action?pageId={page.Id}").ToString();
    }

    /// <summary>Cloud search excerpts mark hits with @@@hl@@@ … @@@endhl@@@; the markers go, the text stays.</summary>
    private static string? Snippet(string? excerpt) => excerpt is null ? null
        : TextHygiene.CleanAndTruncate(excerpt.Replace("@@@hl@@@", "", StringComparison.Ordinal).Replace("@@@endhl@@@", "", StringComparison.Ordinal), MaxSnippetChars)
            .ReplaceLineEndings(" ").Trim();

    private static string? Short(string? text) => text is null ? null : TextHygiene.CleanAndTruncate(text, 500).ReplaceLineEndings(" ");
}
