using McpServers.Shared.Errors;

namespace McpServers.Documents.Backend;

/// <summary>The configured sources, found by name or by the prefix of a document or container id.</summary>
public sealed class DocumentSources(IEnumerable<IDocumentSource> sources, IEnumerable<IDocumentWriter> writers)
{
    public IReadOnlyList<IDocumentSource> All { get; } = [.. sources];

    public IReadOnlyList<IDocumentWriter> Writers { get; } = [.. writers];

    /// <summary>The source named <paramref name="name"/>; an input error listing the configured ones otherwise.</summary>
    public IDocumentSource Named(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw new ToolInputException($"`source` must be one of: {string.Join(", ", All.Select(s => s.Name))}.");

    /// <summary>The source an id belongs to (<c>local:…</c>, <c>confluence:…</c>, <c>sharepoint:…</c>).</summary>
    public IDocumentSource Of(string id, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(id);
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        IDocumentSource? source = colon > 0 ? All.FirstOrDefault(s => string.CompareOrdinal(s.Name, 0, id, 0, colon) == 0 && s.Name.Length == colon) : null;
        return source ?? throw new ToolInputException(
            $"`{parameterName}` must be an id returned by docs_search or docs_list (it starts with one of: {string.Join(", ", All.Select(s => s.Name + ":"))}).");
    }

    /// <summary>The writer for the source an id belongs to; an input error naming the sources that accept writes otherwise.</summary>
    public IDocumentWriter WriterOf(string id, string parameterName)
    {
        IDocumentSource source = Of(id, parameterName);
        return Writers.FirstOrDefault(w => string.Equals(w.Name, source.Name, StringComparison.Ordinal))
            ?? throw new ToolInputException(
                $"Documents in `{source.Name}` are read-only. `{parameterName}` must be an id from a source that accepts writes: {string.Join(", ", Writers.Select(w => w.Name))}.");
    }
}
