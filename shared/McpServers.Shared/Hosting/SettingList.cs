using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Hosting;

/// <summary>
/// The one reader of list settings: a comma-separated value (<c>--set Policy:Tools=a,b</c>, an environment variable)
/// or the array form of a JSON <c>--config</c> file (<c>Policy:Tools:0</c>, <c>Policy:Tools:1</c>), or both. Items are
/// trimmed; empty items and repeats are dropped.
/// </summary>
public static class SettingList
{
    /// <summary>The items of <paramref name="key"/> under <paramref name="configuration"/>; null when the setting is not given.</summary>
    public static IReadOnlyList<string>? Parse(IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        return Parse(configuration.GetSection(key));
    }

    /// <summary>The items of <paramref name="section"/>; null when it holds neither a value nor children.</summary>
    public static IReadOnlyList<string>? Parse(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        IConfigurationSection[] children = [.. section.GetChildren()];
        if (section.Value is null && children.Length == 0)
        {
            return null;
        }

        // An environment variable can set both X and X__0: neither is silently ignored.
        IEnumerable<string?> items = (section.Value?.Split(',') ?? []).Concat(children.Select(c => c.Value));
        return [.. items.Select(i => i?.Trim() ?? "").Where(i => i.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The items of a list held as one comma-separated text (e.g. a switch's value); empty for null.</summary>
    public static IReadOnlyList<string> Parse(string? text) =>
        [.. (text ?? "").Split(',').Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal)];
}
