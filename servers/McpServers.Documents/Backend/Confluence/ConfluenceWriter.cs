using McpServers.Shared.Errors;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>
/// Creates and updates Confluence pages and adds footer comments, in the writable spaces only (Confluence:WritableSpaces).
/// The model's Markdown becomes storage format through <see cref="MarkdownToStorage"/>, where all of it is text. An
/// update names the version it was based on; a page that has moved past it is refused with the current version number,
/// checked before the write and again by Confluence itself (409).
/// </summary>
internal sealed class ConfluenceWriter(ConfluenceClient client, ConfluenceSource source, ConfluenceOptions options) : IDocumentWriter
{
    public const int MaxTitleChars = 255;
    public const int MaxMarkdownChars = 200_000;

    public string Name => ConfluenceSource.SourceName;

    public async Task<WritePreview> CheckAsync(PageWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        CheckText(write.Title, write.Markdown);
        if (write.DocumentId is null)
        {
            (ConfluenceSpace space, ConfluencePage? parent) = await TargetAsync(write.Container, cancellationToken);
            string location = await source.LocationAsync(space.Key, cancellationToken) + (parent is null ? "" : " / " + parent.Title);
            return new WritePreview("create page", location, write.Title.Trim(), null);
        }

        (ConfluencePage page, int _) = await CurrentAsync(write, cancellationToken);
        return new WritePreview("update page", await source.LocationAsync(page.SpaceKey!, cancellationToken), write.Title.Trim(),
            ConfluenceSource.VersionText(page.Version));
    }

    public async Task<PageWritten> CreatePageAsync(PageWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        CheckText(write.Title, write.Markdown);
        (ConfluenceSpace space, ConfluencePage? parent) = await TargetAsync(write.Container, cancellationToken);
        ConfluencePage created = await client.CreateAsync(space, parent?.Id, write.Title.Trim(), MarkdownToStorage.Convert(write.Markdown), cancellationToken);
        return await WrittenAsync(created with { SpaceKey = space.Key }, cancellationToken);
    }

    public async Task<PageWritten> UpdatePageAsync(PageWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        CheckText(write.Title, write.Markdown);
        (ConfluencePage page, int baseVersion) = await CurrentAsync(write, cancellationToken);
        ConfluencePage updated;
        try
        {
            updated = await client.UpdateAsync(page.Id, write.Title.Trim(), MarkdownToStorage.Convert(write.Markdown), baseVersion + 1, cancellationToken);
        }
        catch (BackendException e) when (e.Kind == BackendErrorKind.Conflict)
        {
            // Someone saved in between the check and the write: Confluence refused ours. Say where the page is now.
            ConfluencePage now = await source.VisiblePageAsync(page.Id, null, false, cancellationToken);
            throw Stale(page.Id, now.Version, baseVersion);
        }

        return await WrittenAsync(updated with { SpaceKey = page.SpaceKey }, cancellationToken);
    }

    public async Task<PageWritten> AddCommentAsync(string documentId, string markdown, CancellationToken cancellationToken)
    {
        string id = ConfluenceSource.ParsePageId(documentId, "id");
        CheckText("comment", markdown);
        ConfluencePage page = await WritablePageAsync(id, cancellationToken);
        await client.CommentAsync(id, MarkdownToStorage.Convert(markdown), cancellationToken);
        return await WrittenAsync(page, cancellationToken);
    }

    /// <summary>The page to update, writable, at the version the write was based on (else: the current version number).</summary>
    private async Task<(ConfluencePage Page, int BaseVersion)> CurrentAsync(PageWrite write, CancellationToken cancellationToken)
    {
        string id = ConfluenceSource.ParsePageId(write.DocumentId!, "id");
        if (write.BaseVersion is null)
        {
            throw new ToolInputException("`base_version` is required to update a page: the version you read (docs_get says which).");
        }

        int baseVersion = ConfluenceSource.ParseVersion(write.BaseVersion, "base_version");
        ConfluencePage page = await WritablePageAsync(id, cancellationToken);
        return page.Version == baseVersion ? (page, baseVersion) : throw Stale(id, page.Version, baseVersion);
    }

    private async Task<ConfluencePage> WritablePageAsync(string id, CancellationToken cancellationToken)
    {
        ConfluencePage page = await source.VisiblePageAsync(id, null, false, cancellationToken);
        RequireWritable(page.SpaceKey!);
        return page;
    }

    /// <summary>Where a new page goes: a writable space, or a page in one (its parent).</summary>
    private async Task<(ConfluenceSpace Space, ConfluencePage? Parent)> TargetAsync(string? container, CancellationToken cancellationToken)
    {
        if (container is null)
        {
            throw new ToolInputException($"`container` is required to create a page: a space (confluence:space:KEY) or a parent page (confluence:123456) in one of: {Writable()}.");
        }

        ConfluenceContainer target = ConfluenceSource.ParseContainer(container, "container");
        if (target.SpaceKey is { } key)
        {
            ConfluenceSpace space = await source.VisibleSpaceAsync(key, cancellationToken);
            RequireWritable(space.Key);
            return (space, null);
        }

        ConfluencePage parent = await WritablePageAsync(target.PageId!, cancellationToken);
        return (await source.VisibleSpaceAsync(parent.SpaceKey!, cancellationToken), parent);
    }

    private void RequireWritable(string spaceKey)
    {
        if (!options.IsWritable(spaceKey))
        {
            throw new ToolInputException($"Space {spaceKey} is read-only on this server; pages can be written in: {Writable()} (Confluence:WritableSpaces).");
        }
    }

    private string Writable() => options.WritableSpaces.Count == 0 ? "no space" : string.Join(", ", options.WritableSpaces);

    private static ToolInputException Stale(string id, int? current, int baseVersion) => new(
        $"Page confluence:{id} is at version {ConfluenceSource.VersionText(current) ?? "unknown"}, not {baseVersion}: it changed since you read it. "
        + "Read it again with docs_get and update against the version it returns.");

    private static void CheckText(string title, string markdown)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(markdown);
        if (title.Trim().Length is 0 or > MaxTitleChars)
        {
            throw new ToolInputException($"`title` must be 1 to {MaxTitleChars} characters.");
        }

        if (markdown.Length > MaxMarkdownChars)
        {
            throw new ToolInputException($"The Markdown must be at most {MaxMarkdownChars} characters.");
        }
    }

    private async Task<PageWritten> WrittenAsync(ConfluencePage page, CancellationToken cancellationToken) =>
        new("confluence:" + page.Id, page.Title, ConfluenceSource.VersionText(page.Version), await source.UrlAsync(page, cancellationToken));
}
