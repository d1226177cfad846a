using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>A page as the source needs it, whichever API answered. <see cref="SpaceKey"/> null: not in an allowed space.</summary>
internal sealed record ConfluencePage(string Id, string Title, string? SpaceKey, int? Version, DateTimeOffset? Modified,
    string? Body, bool BodyIsAdf = false, string? Excerpt = null, string? Author = null, string? Message = null);

internal sealed record ConfluenceSpace(string Id, string Key, string Name);

/// <summary>One page of a listing; <see cref="Next"/> is Confluence's own position (a v2 cursor or a v1 start) when there is more.</summary>
internal sealed record ConfluenceBatch<T>(IReadOnlyList<T> Items, string? Next, long? Total);

/// <summary>
/// Confluence over its documented REST APIs: Cloud (REST v2 for pages, spaces and versions; REST v1 CQL search) or
/// Data Center (REST v1). Only this class talks to Confluence; it knows no allowlist beyond resolving the allowed
/// spaces (v2 pages name their space by id), and every request carries the configured user's credentials.
/// </summary>
internal sealed class ConfluenceClient(HttpClient http, ConfluenceOptions options, ILogger<ConfluenceClient> logger)
{
    public const string HttpClientName = "Confluence";

    private const string System = "Confluence";
    private const int MaxErrorMessages = 5;
    private const string V2 = "wiki/api/v2/";

    private readonly Lock _gate = new();
    private Task<bool>? _cloud;
    private Task<IReadOnlyList<ConfluenceSpace>>? _spaces;

    public Task<bool> IsCloudAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_cloud is null || _cloud.IsFaulted || _cloud.IsCanceled)
            {
                _cloud = options.Flavor switch
                {
                    ConfluenceFlavor.Cloud => Task.FromResult(true),
                    ConfluenceFlavor.DataCenter => Task.FromResult(false),
                    _ => DetectAsync(cancellationToken),
                };
            }

            return _cloud;
        }
    }

    /// <summary>Cloud sites live on atlassian.net (or behind api.atlassian.com); elsewhere only Cloud answers REST v2.</summary>
    private async Task<bool> DetectAsync(CancellationToken cancellationToken)
    {
        string host = options.BaseUrl.Host;
        bool cloud = host.EndsWith(".atlassian.net", StringComparison.OrdinalIgnoreCase) || host.Equals("api.atlassian.com", StringComparison.OrdinalIgnoreCase);
        if (!cloud)
        {
            try
            {
                await GetAsync(V2 + "spaces?limit=1", ConfluenceJsonContext.Default.V2ListV2Space, "The space list", cancellationToken);
                cloud = true;
            }
            catch (BackendException e) when (e.Kind == BackendErrorKind.NotFound)
            {
                cloud = false;
            }
        }

        ConfluenceLog.FlavorDetected(logger, cloud ? "Cloud" : "DataCenter");
        return cloud;
    }

    /// <summary>The allowed spaces the account can see (asked once; v2 pages name their space by id only).</summary>
    public Task<IReadOnlyList<ConfluenceSpace>> SpacesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_spaces is null || _spaces.IsFaulted || _spaces.IsCanceled)
            {
                _spaces = LoadSpacesAsync(cancellationToken);
            }

            return _spaces;
        }
    }

    private async Task<IReadOnlyList<ConfluenceSpace>> LoadSpacesAsync(CancellationToken cancellationToken)
    {
        var spaces = new List<ConfluenceSpace>();
        foreach (string[] keys in options.Spaces.Chunk(100))
        {
            if (await IsCloudAsync(cancellationToken))
            {
                // v2 "Get spaces": keys is a comma-separated array parameter.
                V2List<V2Space> page = await GetAsync($"{V2}spaces?keys={Escape(string.Join(',', keys))}&limit=250",
                    ConfluenceJsonContext.Default.V2ListV2Space, "The space list", cancellationToken);
                spaces.AddRange((page.Results ?? []).Where(s => s.Id is not null && options.IsAllowed(s.Key))
                    .Select(s => new ConfluenceSpace(s.Id!, s.Key!, Line(s.Name ?? s.Key))));
            }
            else
            {
                // v1 "Get spaces": spaceKey may repeat.
                V1List<V1Space> page = await GetAsync("rest/api/space?limit=500" + string.Concat(keys.Select(k => "&spaceKey=" + Escape(k))),
                    ConfluenceJsonContext.Default.V1ListV1Space, "The space list", cancellationToken);
                spaces.AddRange((page.Results ?? []).Where(s => options.IsAllowed(s.Key)).Select(s => new ConfluenceSpace(s.Key!, s.Key!, Line(s.Name ?? s.Key))));
            }
        }

        return [.. spaces.DistinctBy(s => s.Key)];
    }

    /// <summary>A page (the current version, or <paramref name="version"/>), with its storage body when <paramref name="body"/>.</summary>
    public async Task<ConfluencePage> GetPageAsync(string id, int? version, bool body, CancellationToken cancellationToken)
    {
        string what = $"Page {id}" + (version is { } v ? string.Create(CultureInfo.InvariantCulture, $" version {v}") : "");
        string at = version is { } n ? string.Create(CultureInfo.InvariantCulture, $"&version={n}") : "";
        if (await IsCloudAsync(cancellationToken))
        {
            V2Page page = await GetAsync($"{V2}pages/{id}?body-format=storage{at}", ConfluenceJsonContext.Default.V2Page, what, cancellationToken);
            if (body && string.IsNullOrWhiteSpace(page.Body?.Storage?.Value))
            {
                // A page without a storage body (written by the Cloud editor in ADF only) is read in ADF.
                V2Page adf = await GetAsync($"{V2}pages/{id}?body-format=atlas_doc_format{at}", ConfluenceJsonContext.Default.V2Page, what, cancellationToken);
                return await FromV2Async(adf, adf.Body?.AtlasDocFormat?.Value, bodyIsAdf: true, cancellationToken);
            }

            return await FromV2Async(page, body ? page.Body?.Storage?.Value : null, bodyIsAdf: false, cancellationToken);
        }

        // Data Center "Get content by ID": a former version with status=historical&version=N.
        string historical = version is { } h ? string.Create(CultureInfo.InvariantCulture, $"&status=historical&version={h}") : "";
        V1Content content = await GetAsync($"rest/api/content/{id}?expand={(body ? "body.storage," : "")}version,space{historical}",
            ConfluenceJsonContext.Default.V1Content, what, cancellationToken);
        return FromV1(content);
    }

    public async Task<ConfluenceBatch<ConfluencePage>> SearchAsync(string cql, int limit, string? position, CancellationToken cancellationToken)
    {
        string query = "cql=" + Escape(cql) + string.Create(CultureInfo.InvariantCulture, $"&limit={limit}");
        if (await IsCloudAsync(cancellationToken))
        {
            // Cloud "Search content by CQL": the next page is asked for with the cursor of _links.next.
            string cursor = position is null ? "" : "&cursor=" + Escape(position);
            V1List<V1SearchResult> found = await GetAsync($"wiki/rest/api/search?{query}&expand=content.space,content.version{cursor}",
                ConfluenceJsonContext.Default.V1ListV1SearchResult, "The search", cancellationToken);
            ConfluencePage[] pages = [.. (found.Results ?? []).Where(r => r.Content is { Type: "page" })
                .Select(r => FromV1(r.Content!) with { Excerpt = r.Excerpt, Modified = Date(r.LastModified) ?? Date(r.Content!.Version?.When) })];
            return new ConfluenceBatch<ConfluencePage>(pages, CursorOf(found.Links?.Next), found.TotalSize);
        }

        int start = Start(position);
        V1List<V1Content> content = await GetAsync($"rest/api/content/search?{query}&start={start}&expand=space,version",
            ConfluenceJsonContext.Default.V1ListV1Content, "The search", cancellationToken);
        return V1Batch(content, start, limit, c => c.Type is null or "page" ? FromV1(c) : null);
    }

    /// <summary>The top-level pages of a space (<paramref name="space"/>) or the child pages of <paramref name="pageId"/>.</summary>
    public async Task<ConfluenceBatch<ConfluencePage>> ChildrenAsync(ConfluenceSpace? space, string? pageId, int limit, string? position,
        CancellationToken cancellationToken)
    {
        if (await IsCloudAsync(cancellationToken))
        {
            string path = space is not null ? $"{V2}spaces/{space.Id}/pages?depth=root" : $"{V2}pages/{pageId}/children?sort=child-position";
            string cursor = position is null ? "" : "&cursor=" + Escape(position);
            V2List<V2Page> pages = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"{path}&limit={limit}{cursor}"),
                ConfluenceJsonContext.Default.V2ListV2Page, space is not null ? $"Space {space.Key}" : $"Page {pageId}", cancellationToken);
            var items = new List<ConfluencePage>();
            foreach (V2Page page in pages.Results ?? [])
            {
                items.Add(await FromV2Async(page, null, false, cancellationToken));
            }

            return new ConfluenceBatch<ConfluencePage>(items, CursorOf(pages.Links?.Next), null);
        }

        int start = Start(position);
        string v1 = space is not null ? $"rest/api/space/{Escape(space.Key)}/content/page?depth=root" : $"rest/api/content/{pageId}/child/page?expand=version,space";
        string sep = v1.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        V1List<V1Content> content = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"{v1}{sep}start={start}&limit={limit}"),
            ConfluenceJsonContext.Default.V1ListV1Content, space is not null ? $"Space {space.Key}" : $"Page {pageId}", cancellationToken);
        return V1Batch(content, start, limit, c => FromV1(c) with { SpaceKey = FromV1(c).SpaceKey ?? space?.Key });
    }

    public async Task<ConfluenceBatch<ConfluencePage>> VersionsAsync(string id, int limit, string? position, CancellationToken cancellationToken)
    {
        string what = $"Page {id}";
        if (await IsCloudAsync(cancellationToken))
        {
            string cursor = position is null ? "" : "&cursor=" + Escape(position);
            V2List<V2Version> versions = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"{V2}pages/{id}/versions?sort=-modified-date&limit={limit}{cursor}"),
                ConfluenceJsonContext.Default.V2ListV2Version, what, cancellationToken);
            return new ConfluenceBatch<ConfluencePage>([.. (versions.Results ?? []).Select(v =>
                new ConfluencePage(id, "", null, v.Number, Date(v.CreatedAt), null, Author: v.AuthorId, Message: v.Message))],
                CursorOf(versions.Links?.Next), null);
        }

        // Data Center's /rest/api/content/{id}/history holds the latest and previous version only; Atlassian's KB
        // "How to retrieve all previous versions of content using the REST API" names the experimental version list.
        int start = Start(position);
        V1List<V1Version> list = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"rest/experimental/content/{id}/version?start={start}&limit={limit}"),
            ConfluenceJsonContext.Default.V1ListV1Version, what, cancellationToken);
        return V1Batch(list, start, limit, v => new ConfluencePage(id, "", null, v.Number, Date(v.When), null,
            Author: v.By?.DisplayName ?? v.By?.PublicName, Message: v.Message));
    }

    public async Task<ConfluencePage> CreateAsync(ConfluenceSpace space, string? parentId, string title, string storage, CancellationToken cancellationToken)
    {
        if (await IsCloudAsync(cancellationToken))
        {
            var body = new JsonObject
            {
                ["spaceId"] = space.Id,
                ["status"] = "current",
                ["title"] = title,
                ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
            };
            if (parentId is not null)
            {
                body["parentId"] = parentId;
            }

            V2Page created = await SendAsync(HttpMethod.Post, V2 + "pages", body, ConfluenceJsonContext.Default.V2Page, $"Space {space.Key}", cancellationToken);
            return await FromV2Async(created, null, false, cancellationToken);
        }

        var content = new JsonObject
        {
            ["type"] = "page",
            ["title"] = title,
            ["space"] = new JsonObject { ["key"] = space.Key },
            ["body"] = StorageV1(storage),
        };
        if (parentId is not null)
        {
            content["ancestors"] = new JsonArray(new JsonObject { ["id"] = parentId });
        }

        return FromV1(await SendAsync(HttpMethod.Post, "rest/api/content", content, ConfluenceJsonContext.Default.V1Content, $"Space {space.Key}", cancellationToken));
    }

    /// <summary>Writes version <paramref name="number"/>; Confluence answers 409 when the page has moved past <c>number - 1</c>.</summary>
    public async Task<ConfluencePage> UpdateAsync(string id, string title, string storage, int number, CancellationToken cancellationToken)
    {
        string what = $"Page {id}";
        if (await IsCloudAsync(cancellationToken))
        {
            var body = new JsonObject
            {
                ["id"] = id,
                ["status"] = "current",
                ["title"] = title,
                ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
                ["version"] = new JsonObject { ["number"] = number },
            };
            V2Page updated = await SendAsync(HttpMethod.Put, $"{V2}pages/{id}", body, ConfluenceJsonContext.Default.V2Page, what, cancellationToken);
            return await FromV2Async(updated, null, false, cancellationToken);
        }

        var content = new JsonObject
        {
            ["id"] = id,
            ["type"] = "page",
            ["title"] = title,
            ["version"] = new JsonObject { ["number"] = number },
            ["body"] = StorageV1(storage),
        };
        return FromV1(await SendAsync(HttpMethod.Put, $"rest/api/content/{id}", content, ConfluenceJsonContext.Default.V1Content, what, cancellationToken));
    }

    /// <summary>A footer comment on the page; returns the comment's id.</summary>
    public async Task<string?> CommentAsync(string id, string storage, CancellationToken cancellationToken)
    {
        string what = $"Page {id}";
        if (await IsCloudAsync(cancellationToken))
        {
            var body = new JsonObject { ["pageId"] = id, ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage } };
            return (await SendAsync(HttpMethod.Post, V2 + "footer-comments", body, ConfluenceJsonContext.Default.V2Page, what, cancellationToken)).Id;
        }

        var comment = new JsonObject
        {
            ["type"] = "comment",
            ["container"] = new JsonObject { ["id"] = id, ["type"] = "page" },
            ["body"] = StorageV1(storage),
        };
        return (await SendAsync(HttpMethod.Post, "rest/api/content", comment, ConfluenceJsonContext.Default.V1Content, what, cancellationToken)).Id;
    }

    private static JsonObject StorageV1(string storage) =>
        new() { ["storage"] = new JsonObject { ["value"] = storage, ["representation"] = "storage" } };

    private async Task<ConfluencePage> FromV2Async(V2Page page, string? body, bool bodyIsAdf, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConfluenceSpace> spaces = await SpacesAsync(cancellationToken);
        string? key = spaces.FirstOrDefault(s => s.Id == page.SpaceId)?.Key;
        return new ConfluencePage(page.Id ?? "", Line(page.Title), key, page.Version?.Number, Date(page.Version?.CreatedAt), body, bodyIsAdf,
            Author: page.Version?.AuthorId, Message: page.Version?.Message);
    }

    private ConfluencePage FromV1(V1Content content) =>
        new(content.Id ?? "", Line(content.Title), options.IsAllowed(content.Space?.Key) ? content.Space!.Key : null, content.Version?.Number,
            Date(content.Version?.When), content.Body?.Storage?.Value, Author: content.Version?.By?.DisplayName, Message: content.Version?.Message);

    private static ConfluenceBatch<ConfluencePage> V1Batch<T>(V1List<T> list, int start, int limit, Func<T, ConfluencePage?> map)
    {
        IReadOnlyList<T> results = list.Results ?? [];
        int next = start + results.Count;
        // v1 lists say "more" with _links.next (Data Center's search has no totalSize); a full page is the fallback.
        bool more = results.Count > 0 && (list.TotalSize is { } total ? next < total : list.Links is { } links ? links.Next is not null : results.Count >= limit);
        return new ConfluenceBatch<ConfluencePage>([.. results.Select(map).OfType<ConfluencePage>()],
            more ? next.ToString(CultureInfo.InvariantCulture) : null, list.TotalSize);
    }

    private static int Start(string? position) =>
        position is not null && int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out int start) ? start : 0;

    /// <summary>The <c>cursor</c> parameter of a v1/v2 <c>_links.next</c>; the rest of that link is not followed (the source rebuilds the request).</summary>
    private static string? CursorOf(string? next)
    {
        if (string.IsNullOrEmpty(next) || next.IndexOf('?', StringComparison.Ordinal) is not (> 0 and var q))
        {
            return null;
        }

        foreach (string pair in next[(q + 1)..].Split('&'))
        {
            if (pair.StartsWith("cursor=", StringComparison.Ordinal))
            {
                string value = Uri.UnescapeDataString(pair["cursor=".Length..]);
                return value.Length is > 0 and <= 2000 ? value : null;
            }
        }

        return null;
    }

    private static DateTimeOffset? Date(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date) ? date : null;

    private static string Line(string? text) => TextHygiene.CleanAndTruncate(text, 500).ReplaceLineEndings(" ");

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, type, what, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, JsonObject body, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(body.ToJsonString(ConfluenceJsonContext.Default.Options), Encoding.UTF8, "application/json"),
        };
        return await SendAsync(request, type, what, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        // The credentials are added by the client's credential handler (see ConfluenceRegistration).
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using HttpResponseMessage response = await http.SendToBackendAsync(request, System,
            (r, ct) => ErrorAsync(request, r, what, ct), cancellationToken);
        return await response.ReadJsonAsync(type, System, cancellationToken);
    }

    /// <summary>
    /// Confluence's refusals in this source's words. 403 and 404 both read "not found or not visible to you": whether
    /// a page exists that the user may not see is not ours to say. A 400's documented body (v1 message, v2 errors[])
    /// is read as data: cleaned, capped, a few messages at most.
    /// </summary>
    private async Task<Exception?> ErrorAsync(HttpRequestMessage request, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        ConfluenceLog.ConfluenceError(logger, (int)response.StatusCode, request.Method.Method, request.RequestUri?.AbsolutePath ?? "");
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new BackendException(BackendErrorKind.Unauthorized, options.OAuth is not null
                ? "Confluence did not accept the signed-in user's access; if this repeats, run `mcp-documents login` to sign in again."
                : $"Confluence did not accept the configured credentials ({options.AuthDescription}); they may be wrong, expired or revoked. An administrator should check {options.CredentialSettings}."),
            HttpStatusCode.Forbidden or HttpStatusCode.NotFound => new BackendException(BackendErrorKind.NotFound, $"{what} was not found or is not visible to you."),
            HttpStatusCode.Conflict => new BackendException(BackendErrorKind.Conflict, $"{what} was changed by someone else."),
            HttpStatusCode.BadRequest => new ToolInputException(
                Rejection(await response.TryReadErrorJsonAsync(ConfluenceJsonContext.Default.ConfluenceErrorBody, cancellationToken))),
            _ => null,
        };
    }

    private static string Rejection(ConfluenceErrorBody? body)
    {
        string[] messages =
        [
            .. body?.Message is { Length: > 0 } m ? [m] : Array.Empty<string>(),
            .. (body?.Errors ?? []).Select(e => e.Detail is { Length: > 0 } d ? $"{e.Title}: {d}" : e.Title ?? e.Code ?? ""),
        ];
        string[] clean = [.. messages.Where(s => s.Length > 0).Take(MaxErrorMessages).Select(s => TextHygiene.CleanAndTruncate(s, 200).ReplaceLineEndings(" "))];
        return clean.Length == 0
            ? "Confluence rejected the request as invalid; check the arguments."
            : "Confluence rejected the request: " + string.Join("; ", clean) + ".";
    }
}
