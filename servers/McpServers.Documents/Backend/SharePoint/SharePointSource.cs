using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using McpServers.Documents.Extraction;
using McpServers.Documents.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Documents.Backend.SharePoint;

/// <summary>
/// SharePoint sites and OneDrive through Microsoft Graph. The allowlist (<c>SharePoint:Sites</c>, narrowed by
/// <c>SharePoint:Drives</c>, plus <c>me</c> when listed) is resolved once into the set of allowed drive ids; every
/// call checks a drive against that set, and Graph itself applies the signed-in user's permissions.
/// Ids: <c>sharepoint:site:&lt;siteId&gt;</c>, <c>sharepoint:&lt;driveId&gt;</c>, <c>sharepoint:&lt;driveId&gt;/&lt;itemId&gt;</c>.
/// </summary>
internal sealed partial class SharePointSource(GraphClient graph, SharePointOptions options, DocumentsOptions limits) : IDocumentSource, IDisposable
{
    public const string SourceName = "sharepoint";
    private const string Prefix = SourceName + ":";
    private const string SitePrefix = "site:";
    private const int SnippetChars = 300;
    private const string ItemFields = "$select=id,name,size,webUrl,lastModifiedDateTime,parentReference,folder,file";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Allowlist? _allowlist;

    public string Name => SourceName;

    public string Title => "SharePoint";

    public bool HasVersions => true;

    public void Dispose() => _gate.Dispose();

    // ---- search ----

    public async Task<SearchPage> SearchAsync(DocumentQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(page);
        Allowlist allowed = await AllowlistAsync(cancellationToken);
        IReadOnlyList<string> scope = await ScopeAsync(query.Container, allowed, cancellationToken);
        string kql = Kql(query, scope);
        string cursorScope = "sharepoint-search:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(kql + "\n" + query.Container)));
        int from = page.Cursor is null ? 0 : int.Parse(OpaqueCursor.Decode(cursorScope, page.Cursor), CultureInfo.InvariantCulture);
        var body = new SearchQueryBody([new SearchRequestBody(["driveItem"], new SearchQueryString(kql), from, page.Size)]);
        SearchResponse response = await graph.PostAsync("search/query", body, GraphJsonContext.Default.SearchQueryBody,
            GraphJsonContext.Default.SearchResponse, cancellationToken);
        SearchHitsContainer? container = response.Value is [{ HitsContainers: [var first, ..] }, ..] ? first : null;
        IReadOnlyList<SearchHit> hits = container?.Hits ?? [];
        string? onlyDrive = DriveOf(query.Container);
        var shown = new List<DocumentHit>();
        foreach (SearchHit hit in hits)
        {
            // Defence in depth: the path: terms keep Graph to the allowlist; anything else it returns is dropped unseen.
            if (hit.Resource is { ParentReference.DriveId: { } driveId } item && allowed.Drives.TryGetValue(driveId, out DriveInfo? drive)
                && (onlyDrive is null || onlyDrive == driveId) && IsId(item.Id))
            {
                shown.Add(new DocumentHit(Prefix + driveId + "/" + item.Id, Clean(item.Name), Location(drive, item.ParentReference),
                    Snippet(hit.Summary), item.LastModifiedDateTime, null, item.WebUrl));
            }
        }

        bool more = container?.MoreResultsAvailable == true && hits.Count > 0;
        string? next = more ? OpaqueCursor.Encode(cursorScope, (from + hits.Count).ToString(CultureInfo.InvariantCulture)) : null;
        return new SearchPage(SourceName, shown, shown.Count == hits.Count ? container?.Total : null, next, page.Size);
    }

    /// <summary>
    /// The KQL sent to Graph: every word a quoted phrase (quotes removed from the word, so nothing the model types is
    /// an operator or a property restriction), the file types and dates from validated values, and the allowlist as
    /// <c>path:"…"</c> terms built from URLs Graph gave for the allowed sites and drives.
    /// </summary>
    internal static string Kql(DocumentQuery query, IReadOnlyList<string> scope)
    {
        var words = query.Words.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => new string([.. w.Where(c => c != '"' && !char.IsControl(c))]))
            .Where(w => w.Length > 0)
            .Take(32)
            .Select(w => "\"" + w + "\"")
            .ToList();
        if (words.Count == 0)
        {
            throw new ToolInputException("`query` needs at least one word.");
        }

        var parts = new List<string> { string.Join(' ', words) };
        IReadOnlyList<string> types = query.Types;
        if (types.Count > 0)
        {
            if (types.FirstOrDefault(t => !TypePattern().IsMatch(t)) is { } bad)
            {
                throw new ToolInputException($"`types`: '{bad}' is not a file extension (letters and digits, e.g. docx).");
            }

            parts.Add("(" + string.Join(" OR ", types.Select(t => "filetype:" + t.ToLowerInvariant())) + ")");
        }

        if (query.ModifiedFrom is { } modifiedFrom)
        {
            parts.Add("LastModifiedTime>=" + modifiedFrom.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }

        if (query.ModifiedBefore is { } before)
        {
            parts.Add("LastModifiedTime<" + before.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }

        parts.Add("(" + string.Join(" OR ", scope.Select(url => "path:\"" + url.Replace("\"", "", StringComparison.Ordinal) + "\"")) + ")");
        return string.Join(" AND ", parts);
    }

    /// <summary>The web URLs a search is restricted to: the container's, or every allowed site and drive's.</summary>
    private async Task<IReadOnlyList<string>> ScopeAsync(string? container, Allowlist allowed, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> urls;
        if (container is null)
        {
            urls = [.. allowed.Sites.Select(s => s.WebUrl), .. allowed.Drives.Values.Where(d => d.Site is null).Select(d => d.WebUrl)];
        }
        else
        {
            Ref target = Parse(container, "container");
            urls = target switch
            {
                { SiteId: { } site } => [allowed.Sites.FirstOrDefault(s => s.Id == site)?.WebUrl ?? throw NotVisible()],
                { ItemId: null } => [Drive(allowed, target.DriveId!).WebUrl],
                _ => [(await ItemAsync(allowed, target, cancellationToken)).WebUrl ?? throw NotVisible()],
            };
        }

        List<string> scoped = [.. urls.Where(u => u.Length > 0)];
        return scoped.Count > 0
            ? scoped
            : throw new BackendException(BackendErrorKind.NotFound, "None of the sites in SharePoint:Sites is visible to you.");
    }

    private static string? DriveOf(string? container) =>
        container is not null && Parse(container, "container") is { SiteId: null, DriveId: { } drive } ? drive : null;

    internal static string? Snippet(string? summary)
    {
        if (string.IsNullOrWhiteSpace(summary))
        {
            return null;
        }

        string plain = TextHygiene.Clean(HighlightTags().Replace(summary, " "));
        return TextHygiene.Truncate(WhiteSpace().Replace(plain, " ").Trim(), SnippetChars);
    }

    // ---- listing ----

    public async Task<ListingPage> ListAsync(string? containerId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        Allowlist allowed = await AllowlistAsync(cancellationToken);
        if (containerId is null)
        {
            ListingEntry[] top =
            [
                .. allowed.Sites.Select(s => new ListingEntry(Prefix + SitePrefix + s.Id, s.Name, "site", null, null)),
                .. allowed.Drives.Where(d => d.Value.Site is null).Select(d => new ListingEntry(Prefix + d.Key, d.Value.Name, "drive", null, null)),
            ];
            return new ListingPage(SourceName, null, top, null, page.Size);
        }

        Ref target = Parse(containerId, "container");
        if (target.SiteId is { } siteId)
        {
            SiteInfo site = allowed.Sites.FirstOrDefault(s => s.Id == siteId) ?? throw NotVisible();
            ListingEntry[] drives = [.. allowed.Drives.Where(d => d.Value.Site == site).Select(d => new ListingEntry(Prefix + d.Key, d.Value.Name, "drive", null, null))];
            return new ListingPage(SourceName, containerId, drives, null, page.Size);
        }

        Drive(allowed, target.DriveId!);
        string path = target.ItemId is null ? $"drives/{target.DriveId}/root/children" : $"drives/{target.DriveId}/items/{target.ItemId}/children";
        string cursorScope = "sharepoint-list:" + containerId;
        GraphPage<GraphDriveItem> children = page.Cursor is null
            ? await graph.GetAsync(path + "?$top=" + page.Size.ToString(CultureInfo.InvariantCulture) + "&" + ItemFields, GraphJsonContext.Default.GraphPageGraphDriveItem, cancellationToken)
            : await graph.GetNextAsync(OpaqueCursor.Decode(cursorScope, page.Cursor), path, GraphJsonContext.Default.GraphPageGraphDriveItem, cancellationToken);
        ListingEntry[] entries =
        [
            .. (children.Value ?? []).Where(i => IsId(i.Id)).OrderBy(i => i.Folder is null)
                .Select(i => new ListingEntry(Prefix + target.DriveId + "/" + i.Id, Clean(i.Name), i.Folder is null ? "file" : "folder", i.LastModifiedDateTime, i.Folder is null ? i.Size : null)),
        ];
        // Only a next page on the Graph host and under this very listing is kept; anything else ends the listing here.
        string? next = children.NextLink is { } link && graph.IsUnder(link, path) ? OpaqueCursor.Encode(cursorScope, link) : null;
        return new ListingPage(SourceName, containerId, entries, next, page.Size);
    }

    // ---- content ----

    public async Task<DocumentText> GetAsync(string documentId, string? version, CancellationToken cancellationToken)
    {
        Ref target = Parse(documentId, "id");
        if (target.ItemId is null)
        {
            throw new ToolInputException("`id` is a site or library, not a document; use docs_list to see what is inside it.");
        }

        Allowlist allowed = await AllowlistAsync(cancellationToken);

        GraphDriveItem item = await ItemAsync(allowed, target, cancellationToken);
        if (item.Folder is not null)
        {
            throw new ToolInputException("`id` is a folder, not a document; use docs_list to see what is inside it.");
        }

        string basePath = $"drives/{target.DriveId}/items/{target.ItemId}";
        long? size = item.Size;
        string? current = await CurrentVersionAsync(basePath, cancellationToken);
        // Graph serves the current version only through the item's own /content (driveitemversion-get-contents).
        if (version is not null && version != current)
        {
            if (!VersionPattern().IsMatch(version))
            {
                throw new ToolInputException("`version` must be a version id returned by docs_list_versions, e.g. 3.0.");
            }

            GraphVersion v = await graph.GetAsync($"{basePath}/versions/{Uri.EscapeDataString(version)}", GraphJsonContext.Default.GraphVersion, cancellationToken);
            size = v.Size;
            basePath += "/versions/" + Uri.EscapeDataString(version);
        }

        if (size > limits.MaxFileBytes)
        {
            throw TooLarge(size.Value);
        }

        string? read = version ?? current;

        string name = Clean(item.Name);
        ExtractedText text;
        using (HttpResponseMessage response = await graph.DownloadAsync(basePath + "/content", cancellationToken))
        {
            await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var capped = new CappedStream(body, limits.MaxFileBytes, () => TooLarge(null));
            try
            {
                text = await TextExtraction.ExtractAsync(capped, name, new ExtractionLimits(limits.MaxFileBytes, limits.MaxDocumentChars, limits.MaxPages, limits.MaxZipEntryBytes), cancellationToken);
            }
            catch (ExtractionException e)
            {
                throw new BackendException(BackendErrorKind.Invalid, e.Message, e);
            }
        }

        return new DocumentText(documentId, name, Location(Drive(allowed, target.DriveId!), item.ParentReference), read,
            version is null ? item.LastModifiedDateTime : null, item.WebUrl, text.Format, TextHygiene.Clean(text.Markdown), text.Truncated, text.TruncationReason);
    }

    /// <summary>
    /// The newest version's id (asked just before the download; a save in between would be newer), or null where the
    /// library keeps no versions or Graph does not say.
    /// </summary>
    private async Task<string?> CurrentVersionAsync(string itemPath, CancellationToken cancellationToken)
    {
        try
        {
            GraphPage<GraphVersion> versions = await graph.GetAsync(itemPath + "/versions", GraphJsonContext.Default.GraphPageGraphVersion, cancellationToken);
            return versions.Value is [{ Id: { } id }, ..] && VersionPattern().IsMatch(id) ? id : null;
        }
        catch (BackendException e) when (e.Kind is BackendErrorKind.NotFound or BackendErrorKind.Invalid)
        {
            return null;
        }
    }

    private BackendException TooLarge(long? size) => new(BackendErrorKind.TooExpensive,
        (size is { } s ? $"The file is {s.ToString("N0", CultureInfo.InvariantCulture)} bytes" : "The file is larger than it said")
        + $", over the {limits.MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes this server reads (Documents:MaxFileBytes).");

    // ---- versions ----

    public async Task<VersionPage> ListVersionsAsync(string documentId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        Ref target = Parse(documentId, "id");
        if (target.ItemId is null)
        {
            throw new ToolInputException("`id` is a site or library, not a document.");
        }

        Allowlist allowed = await AllowlistAsync(cancellationToken);

        Drive(allowed, target.DriveId!);
        GraphPage<GraphVersion> versions = await graph.GetAsync($"drives/{target.DriveId}/items/{target.ItemId}/versions",
            GraphJsonContext.Default.GraphPageGraphVersion, cancellationToken);
        string cursorScope = "sharepoint-versions:" + documentId;
        int skip = page.Cursor is null ? 0 : int.Parse(OpaqueCursor.Decode(cursorScope, page.Cursor), CultureInfo.InvariantCulture);
        IReadOnlyList<GraphVersion> all = versions.Value ?? [];
        VersionInfo[] shown =
        [
            .. all.Skip(skip).Take(page.Size).Select(v => new VersionInfo(Clean(v.Id), v.LastModifiedDateTime,
                Clean(v.LastModifiedBy?.User?.DisplayName ?? v.LastModifiedBy?.Application?.DisplayName) is { Length: > 0 } who ? who : null, null)),
        ];
        string? next = skip + shown.Length < all.Count ? OpaqueCursor.Encode(cursorScope, (skip + shown.Length).ToString(CultureInfo.InvariantCulture)) : null;
        return new VersionPage(documentId, shown, next, page.Size);
    }

    // ---- check ----

    public async Task<SourceCheck> CheckAsync(CancellationToken cancellationToken)
    {
        Allowlist allowed;
        try
        {
            allowed = await AllowlistAsync(cancellationToken);
        }
        catch (BackendException e)
        {
            return new SourceCheck(SourceName, false, e.SafeMessage ?? "Microsoft Graph could not be reached.");
        }

        string detail = $"visible: {allowed.Sites.Count} of {options.Sites.Count} sites, {allowed.Drives.Count} drives"
            + (allowed.NotVisible.Count > 0 ? $"; not visible: {string.Join(", ", allowed.NotVisible)}" : "");
        return new SourceCheck(SourceName, allowed.Drives.Count > 0, detail);
    }

    // ---- the allowlist ----

    /// <summary>The allowed sites and drives, resolved once (a failure is not cached: the next call tries again).</summary>
    private async Task<Allowlist> AllowlistAsync(CancellationToken cancellationToken)
    {
        if (_allowlist is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _allowlist ??= await ResolveAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Allowlist> ResolveAsync(CancellationToken cancellationToken)
    {
        var sites = new List<SiteInfo>();
        var drives = new Dictionary<string, DriveInfo>(StringComparer.Ordinal);
        var notVisible = new List<string>();
        HashSet<string>? narrowed = options.DriveIds.Any() ? [.. options.DriveIds] : null;
        foreach (string reference in options.Sites)
        {
            GraphSite site;
            try
            {
                site = await graph.GetAsync("sites/" + SitePath(reference) + "?$select=id,name,displayName,webUrl", GraphJsonContext.Default.GraphSite, cancellationToken);
            }
            catch (BackendException e) when (e.Kind == BackendErrorKind.NotFound)
            {
                notVisible.Add(reference);
                continue;
            }

            var info = new SiteInfo(site.Id, Clean(site.DisplayName ?? site.Name ?? reference), site.WebUrl ?? "");
            sites.Add(info);
            string? next = $"sites/{SitePath(site.Id)}/drives?$select=id,name,driveType,webUrl";
            for (int pages = 0; next is not null && pages < 10; pages++)
            {
                GraphPage<GraphDrive> page = pages == 0
                    ? await graph.GetAsync(next, GraphJsonContext.Default.GraphPageGraphDrive, cancellationToken)
                    : await graph.GetNextAsync(next, $"sites/{SitePath(site.Id)}/drives", GraphJsonContext.Default.GraphPageGraphDrive, cancellationToken);
                foreach (GraphDrive drive in (page.Value ?? []).Where(d => SharePointOptions.DrivePattern().IsMatch(d.Id) && (narrowed is null || narrowed.Contains(d.Id))))
                {
                    drives[drive.Id] = new DriveInfo(Clean(drive.Name ?? drive.Id), drive.WebUrl ?? "", info);
                }

                next = page.NextLink;
            }
        }

        if (options.AllowsMyDrive)
        {
            try
            {
                GraphDrive mine = await graph.GetAsync("me/drive?$select=id,name,driveType,webUrl", GraphJsonContext.Default.GraphDrive, cancellationToken);
                if (SharePointOptions.DrivePattern().IsMatch(mine.Id))
                {
                    drives[mine.Id] = new DriveInfo("OneDrive", mine.WebUrl ?? "", null);
                }
            }
            catch (BackendException e) when (e.Kind == BackendErrorKind.NotFound)
            {
                // A user without a OneDrive (none provisioned): the sites still serve.
                notVisible.Add("me");
            }
        }

        return new Allowlist(sites, drives, notVisible);
    }

    /// <summary><c>host,guid,guid</c> as is; <c>host:/sites/a b</c> with each path segment escaped.</summary>
    private static string SitePath(string reference)
    {
        int colon = reference.IndexOf(":/", StringComparison.Ordinal);
        return colon < 0
            ? Uri.EscapeDataString(reference).Replace("%2C", ",", StringComparison.Ordinal)
            : reference[..colon] + ":/" + string.Join('/', reference[(colon + 2)..].Split('/').Select(Uri.EscapeDataString));
    }

    private async Task<GraphDriveItem> ItemAsync(Allowlist allowed, Ref target, CancellationToken cancellationToken)
    {
        Drive(allowed, target.DriveId!);
        GraphDriveItem item = await graph.GetAsync($"drives/{target.DriveId}/items/{target.ItemId}?{ItemFields}", GraphJsonContext.Default.GraphDriveItem, cancellationToken);
        // Graph answers for the drive asked; an item claiming another drive is not trusted.
        return item.ParentReference?.DriveId is { } driveId && driveId != target.DriveId ? throw NotVisible() : item;
    }

    private static DriveInfo Drive(Allowlist allowed, string driveId) =>
        allowed.Drives.TryGetValue(driveId, out DriveInfo? drive) ? drive : throw NotVisible();

    private static BackendException NotVisible() => new(BackendErrorKind.NotFound, GraphClient.NotVisible);

    // ---- ids ----

    private sealed record Ref(string? SiteId, string? DriveId, string? ItemId);

    private static Ref Parse(string id, string parameter)
    {
        ArgumentNullException.ThrowIfNull(id);
        string part = id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : "";
        if (part.StartsWith(SitePrefix, StringComparison.Ordinal) && SiteIdPattern().IsMatch(part[SitePrefix.Length..]))
        {
            return new Ref(part[SitePrefix.Length..], null, null);
        }

        int slash = part.IndexOf('/', StringComparison.Ordinal);
        string drive = slash < 0 ? part : part[..slash];
        string? item = slash < 0 ? null : part[(slash + 1)..];
        if (SharePointOptions.DrivePattern().IsMatch(drive) && (item is null || IsId(item)))
        {
            return new Ref(null, drive, item);
        }

        throw new ToolInputException($"`{parameter}` must be a SharePoint id returned by docs_search or docs_list (sharepoint:<drive>/<item>, sharepoint:<drive> or sharepoint:site:<site>).");
    }

    private static bool IsId(string id) => SharePointOptions.DrivePattern().IsMatch(id);

    private static string Clean(string? text) => TextHygiene.CleanAndTruncate(text, 400);

    /// <summary>Site / library / folder path, for people: from the drive's names and the item's parent path after <c>root:</c>.</summary>
    private static string Location(DriveInfo drive, GraphParentReference? parent)
    {
        string folder = parent?.Path is { } path && path.IndexOf("root:", StringComparison.Ordinal) is >= 0 and var at ? Uri.UnescapeDataString(path[(at + 5)..]).Trim('/') : "";
        string where = (drive.Site is null ? drive.Name : drive.Site.Name + " / " + drive.Name) + (folder.Length > 0 ? " / " + folder : "");
        return Clean(where);
    }

    private sealed record SiteInfo(string Id, string Name, string WebUrl);

    private sealed record DriveInfo(string Name, string WebUrl, SiteInfo? Site);

    private sealed record Allowlist(IReadOnlyList<SiteInfo> Sites, IReadOnlyDictionary<string, DriveInfo> Drives, IReadOnlyList<string> NotVisible);

    [GeneratedRegex(@"^[A-Za-z0-9.\-]+,[0-9A-Fa-f\-]{36},[0-9A-Fa-f\-]{36}$")]
    private static partial Regex SiteIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9]{1,10}$")]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"^[A-Za-z0-9.\-_]{1,64}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"</?c0>|<ddd/>")]
    private static partial Regex HighlightTags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
