using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using McpServers.Documents.Backend;
using McpServers.Documents.Options;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Documents.Tools;

public sealed class ListVersionsTool(DocumentSources sources, DocumentsOptions options, ServerJson json, ILogger<ListVersionsTool> logger)
{
    [McpServerTool(Name = "docs_list_versions", Title = "List document versions", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Lists a document's versions, newest first, with when and by whom (sources without history, such as local folders, list the current one only). Use a version with docs_get or docs_compare_versions. Paged: pass next_cursor back for more.")]
    public async Task<CallToolResult> ListVersions(
        [Description("Document id from docs_search or docs_list."), StringLength(2000, MinimumLength = 3)] string id,
        [Description("Versions per page (the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from the previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        IDocumentSource source = sources.Of(id, nameof(id));
        Page<VersionInfo> page = await SourcePages.FetchAsync([source], DocsInput.PageSize(max_results, options), DocsInput.Scope("docs_list_versions", id), cursor,
            async (s, request, ct) =>
            {
                VersionPage found = await s.ListVersionsAsync(id, request, ct);
                return new SourcePage<VersionInfo>(found.Versions, found.NextCursor);
            }, logger, cancellationToken);
        var output = new Output(id, source.HasVersions, page.Items, page.NextCursor, page.NextCursor is not null);
        return ToolResult.Create(output, Render(output, options.Zone()), json);
    }

    private static string Render(Output output, TimeZoneInfo zone)
    {
        var text = new StringBuilder($"{output.Versions.Count} version(s) of {output.Id}, newest first:");
        foreach (VersionInfo v in output.Versions)
        {
            text.Append($"\n- {v.Version}: {DocsInput.When(v.Modified, zone)}");
            text.Append(v.Author is null ? "" : $" by {v.Author}");
            text.Append(string.IsNullOrWhiteSpace(v.Message) ? "" : $" — \"{v.Message.ReplaceLineEndings(" ")}\"");
        }

        text.Append(output.KeepsVersions ? "" : "\nThis source keeps no history: only the current version can be read.");
        text.Append(output.NextCursor is null ? "" : "\nMore: call again with the same arguments and `cursor` set to next_cursor.");
        return text.ToString();
    }

    /// <summary>The structured content; <see cref="KeepsVersions"/> false for sources without history.</summary>
    public sealed record Output(string Id, bool KeepsVersions, IReadOnlyList<VersionInfo> Versions, string? NextCursor, bool Truncated);
}
