using System.Buffers.Text;
using System.Text;
using McpServers.Documents.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;

namespace McpServers.Documents.Tools;

/// <summary>
/// One page across one or more sources, fairly: the page size is shared among the sources that still have results,
/// each is asked for its share with its own cursor, and their items are interleaved. The sources' cursors travel
/// together inside one opaque cursor (signed, bound to the request), so no hit is skipped or repeated between pages.
/// When several sources answer and one fails, the others' results are kept and the failure becomes a notice.
/// </summary>
internal static class SourcePages
{
    public static async Task<Page<T>> FetchAsync<T>(IReadOnlyList<IDocumentSource> sources, int size, string scope, string? cursor,
        Func<IDocumentSource, PageRequest, CancellationToken, Task<SourcePage<T>>> fetch, ILogger logger, CancellationToken cancellationToken)
    {
        List<State> states = cursor is null ? [.. sources.Select(s => new State(s.Name, null, false))] : Decode(scope, cursor, sources);
        State[] active = [.. states.Where(s => !s.Done)];
        int share = Math.Max(1, size / Math.Max(1, active.Length));
        int extra = size - (share * active.Length);
        var asked = new List<(State State, Task<SourcePage<T>> Page)>();
        for (int i = 0; i < active.Length && i < size; i++)
        {
            int own = share + (i < extra ? 1 : 0);
            IDocumentSource source = sources.First(s => s.Name == active[i].Source);
            asked.Add((active[i], fetch(source, new PageRequest(own, active[i].Cursor), cancellationToken)));
        }

        var results = new List<List<T>>();
        var notices = new List<string>();
        var next = new Dictionary<string, State>(StringComparer.Ordinal);
        foreach ((State state, Task<SourcePage<T>> task) in asked)
        {
            try
            {
                SourcePage<T> page = await task;
                results.Add([.. page.Items]);
                next[state.Source] = new State(state.Source, page.NextCursor, page.NextCursor is null);
                if (page.Notice is { Length: > 0 } notice)
                {
                    notices.Add($"{state.Source}: {notice}");
                }
            }
            catch (BackendException e) when (sources.Count > 1)
            {
                // One source down must not hide the others' answers; it is left out of the following pages.
                Log.SourceSkipped(logger, state.Source, e.Kind.ToString());
                notices.Add($"{state.Source}: not searched ({(e.SafeMessage ?? e.Kind.ToString()).TrimEnd('.')}).");
                next[state.Source] = new State(state.Source, null, true);
            }
        }

        List<State> after = [.. states.Select(s => next.GetValueOrDefault(s.Source, s))];
        var items = new List<T>();
        for (int round = 0; results.Any(r => r.Count > round); round++)
        {
            items.AddRange(results.Where(r => r.Count > round).Select(r => r[round]));
        }

        string? nextCursor = after.Any(s => !s.Done) ? Encode(scope, after) : null;
        return new Page<T>(items, notices, nextCursor);
    }

    private static string Encode(string scope, List<State> states) =>
        OpaqueCursor.Encode(scope, string.Join(';', states.Select(s =>
            s.Done ? s.Source + "!" : s.Cursor is null ? s.Source + "=" : s.Source + ">" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s.Cursor)))));

    private static List<State> Decode(string scope, string cursor, IReadOnlyList<IDocumentSource> sources)
    {
        string payload = OpaqueCursor.Decode(scope, cursor);
        var states = new List<State>();
        foreach (string part in payload.Split(';'))
        {
            int mark = part.IndexOfAny(['!', '=', '>']);
            string name = part[..mark];
            if (sources.All(s => s.Name != name))
            {
                // Signed by this process for these arguments, so only a changed configuration gets here.
                throw new ToolInputException("`cursor` is from an earlier configuration of this server. Repeat the call without `cursor`.");
            }

            states.Add(part[mark] switch
            {
                '!' => new State(name, null, true),
                '=' => new State(name, null, false),
                _ => new State(name, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(part.AsSpan(mark + 1))), false),
            });
        }

        return states;
    }

    private sealed record State(string Source, string? Cursor, bool Done);
}

/// <summary>What one source answered for one page.</summary>
internal sealed record SourcePage<T>(IReadOnlyList<T> Items, string? NextCursor, string? Notice = null);

/// <summary>The merged page: items interleaved source by source, the sources' notices, and the next cursor (null: no more).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, IReadOnlyList<string> Notices, string? NextCursor);
