using McpServers.Shared.Text;

namespace McpServers.Database.Backend;

/// <summary>Helpers for echoing model input inside error messages: cleaned and short, never trusted.</summary>
internal static class Describe
{
    public static string Input(string? value) => value is null ? "(null)" : TextHygiene.CleanAndTruncate(value, 64);

    public static string List(IEnumerable<string> names, int max = 60)
    {
        var all = names.ToList();
        string shown = string.Join(", ", all.Take(max));
        return all.Count > max ? $"{shown}, … ({all.Count - max} more)" : shown;
    }
}
