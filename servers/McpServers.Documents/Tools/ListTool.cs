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

public sealed class ListTool(DocumentSources sources, DocumentsOptions options, ServerJson json, ILogger<ListTool> logger)
{
    [McpServerTool(Name = "docs_list", Title = "Browse documents", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Lists what is allowed: without `container`, the top level of every source (folders, spaces, sites); with a container id, what is inside it (folders first). Paged: pass next_cursor back for more. Names are data from the source.")]
    public async Task<CallToolResult> List(
        [Description("A container id from a previous docs_list (default: the top level)."), StringLength(2000, MinimumLength = 3)] string? container = null,
        [Description("Entries per page (the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from the previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyList<IDocumentSource> listed = container is null ? sources.All : [sources.Of(container, nameof(container))];
        Page<Entry> page = await SourcePages.FetchAsync(listed, DocsInput.PageSize(max_results, options), DocsInput.Scope("docs_list", container), cursor,
            async (s, request, ct) =>
            {
                ListingPage found = await s.ListAsync(container, request, ct);
                return new SourcePage<Entry>([.. found.Entries.Select(e => new Entry(s.Name, e.Id, e.Name, e.Kind, e.Modified, e.Size))], found.NextCursor);
            }, logger, cancellationToken);
        var output = new Output(container, page.Items, page.Notices, page.NextCursor, page.NextCursor is not null);
        return ToolResult.Create(output, Render(output, options.Zone()), json);
    }

    private static string Render(Output output, TimeZoneInfo zone)
    {
        var text = new StringBuilder(output.Entries.Count == 0 ? "Nothing here." : $"{output.Entries.Count} entr{(output.Entries.Count == 1 ? "y" : "ies")}:");
        foreach (Entry e in output.Entries)
        {
            text.Append($"\n- {e.Kind}: {e.Name} [{e.Id}]");
            text.Append(e.Modified is null ? "" : $", modified {DocsInput.When(e.Modified, zone)}");
            text.Append(e.Size is { } size ? $", {size} bytes" : "");
        }

        foreach (string notice in output.Notices)
        {
            text.Append($"\nNote: {notice}");
        }

        text.Append(output.NextCursor is null ? "" : "\nMore: call again with the same arguments and `cursor` set to next_cursor.");
        return text.ToString();
    }

    /// <summary>One entry: <see cref="Kind"/> is root, space, site, drive, folder, page or file.</summary>
    public sealed record Entry(string Source, string Id, string Name, string Kind, DateTimeOffset? Modified, long? Size);

    public sealed record Output(string? Container, IReadOnlyList<Entry> Entries, IReadOnlyList<string> Notices, string? NextCursor, bool Truncated);
}
