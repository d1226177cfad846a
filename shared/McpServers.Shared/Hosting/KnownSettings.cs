using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Hosting;

/// <summary>
/// Every setting key a server accepts, as a tree of key segments: the properties of its options types
/// (<see cref="SettingsSection"/>), the settings <c>--help</c> lists, and the keys its switches and environment
/// aliases set. A key outside the tree is refused with the closest valid name, because a misspelled setting is
/// otherwise silently ignored (its default applies and <c>--check</c> still says the settings are valid).
/// </summary>
internal sealed class KnownSettings
{
    private const int MaxDepth = 8;
    private readonly Node _root = new();

    public static KnownSettings For(ServerIdentity identity, IEnumerable<SettingsSection> sections)
    {
        var known = new KnownSettings();
        foreach (SettingsSection section in sections)
        {
            known.AddType(section.Path, section.OptionsType);
        }

        foreach (SettingHelp setting in identity.Settings.Concat(HelpText.CommonSettings))
        {
            known.AddKey(setting.Key);
        }

        foreach (string key in identity.Switches.Select(s => s.ConfigKey).Concat(identity.EnvironmentAliases.Select(a => a.ConfigKey)))
        {
            known.AddKey(key);
        }

        return known;
    }

    /// <summary>Adds the public settable properties of <paramref name="type"/> under <paramref name="path"/>.</summary>
    public void AddType(string path, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(type);
        Node node = _root;
        foreach (string segment in path.Split(ConfigurationPath.KeyDelimiter, StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.Child(segment);
        }

        AddProperties(node, type, [type]);
    }

    /// <summary>
    /// Adds a key as <c>--help</c> writes it: <c>&lt;name&gt;</c> is any child key (<c>RateLimits:Tools:&lt;tool&gt;</c>),
    /// <c>a|b</c> is either name (<c>Operations:&lt;id&gt;:ReadOnly|Destructive</c>).
    /// </summary>
    public void AddKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        List<Node> nodes = [_root];
        foreach (string segment in key.Split(ConfigurationPath.KeyDelimiter))
        {
            nodes = segment.StartsWith('<')
                ? [.. nodes.Select(n => n.Any ??= new Node())]
                : [.. nodes.SelectMany(n => segment.Split('|').Select(n.Child))];
        }

        nodes.ForEach(n => n.AcceptsValue = true);
    }

    /// <summary>
    /// Every key <paramref name="provider"/> holds, with its value: leaves, and sections that also carry a value
    /// (an environment variable can set both <c>A</c> and <c>A__B</c>).
    /// </summary>
    public static IEnumerable<(string Key, string? Value)> Entries(IConfigurationProvider provider, string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        foreach (string child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            string path = parent is null ? child : ConfigurationPath.Combine(parent, child);
            bool hasChildren = false;
            foreach (var entry in Entries(provider, path))
            {
                hasChildren = true;
                yield return entry;
            }

            provider.TryGet(path, out string? value);
            if (!hasChildren || value is not null)
            {
                yield return (path, value);
            }
        }
    }

    /// <summary>Null when <paramref name="key"/> is a known setting; otherwise what is wrong, with the closest valid name.</summary>
    public string? Problem(string key, bool hasValue)
    {
        ArgumentNullException.ThrowIfNull(key);
        string[] segments = key.Split(ConfigurationPath.KeyDelimiter);
        Node node = _root;
        for (int i = 0; i < segments.Length; i++)
        {
            if (node.Named.TryGetValue(segments[i], out Node? next))
            {
                node = next;
            }
            else if (node.Any is { } any)
            {
                node = any;
            }
            else if (node.Opaque && node.Named.Count == 0)
            {
                return null;
            }
            else
            {
                return Unknown(key, segments, i, node);
            }
        }

        if (hasValue && !node.AcceptsValue)
        {
            string example = node.Named.Keys.FirstOrDefault() ?? "<name>";
            return $"'{key}' is a group of settings, not a setting: set its keys instead, e.g. '{key}:{example}'.";
        }

        return null;
    }

    private static string Unknown(string key, string[] segments, int index, Node node)
    {
        string parent = string.Join(ConfigurationPath.KeyDelimiter, segments[..index]);
        string? closest = Closest(segments[index], node.Named.Keys);
        if (closest is not null)
        {
            string[] suggestion = [.. segments[..index], closest, .. segments[(index + 1)..]];
            return $"unknown setting '{key}'; did you mean '{string.Join(ConfigurationPath.KeyDelimiter, suggestion)}'?";
        }

        if (index > 0 && node.Named.Count is > 0 and <= 20)
        {
            return $"unknown setting '{key}'; the settings under '{parent}' are: {string.Join(", ", node.Named.Keys.Order(StringComparer.OrdinalIgnoreCase))}.";
        }

        return $"unknown setting '{key}' (--help lists the settings).";
    }

    /// <summary>The candidate nearest to <paramref name="typed"/> by edit distance, if near enough to be a typo.</summary>
    private static string? Closest(string typed, IEnumerable<string> candidates)
    {
        int allowed = Math.Clamp(typed.Length / 3, 1, 3);
        return candidates
            .Select(c => (Name: c, Distance: Distance(typed.ToUpperInvariant(), c.ToUpperInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
        int[] current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static void AddProperties(Node node, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type,
        IReadOnlyList<Type> path)
    {
        bool any = false;
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Only what configuration can set: init-only setters count (records read by hand), computed properties do not.
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                AddValue(node.Child(property.Name), property.PropertyType, path);
                any = true;
            }
        }

        // A nested options type whose property metadata NativeAOT did not keep (it is kept only for the types registered
        // with AddSettingsSection): unless its keys become known another way (its own registration, --help), anything
        // below it is accepted rather than real settings refused. Servers register their nested sections (Jira:OAuth).
        node.Opaque |= !any && path.Count > 1;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification =
        "Nested option types are reached through the properties of an annotated options type. Under NativeAOT their " +
        "property metadata may be absent unless the server registers them with AddSettingsSection too; AddProperties " +
        "then accepts any key below them instead of refusing real settings.")]
    private static void AddValue(Node node, Type type, IReadOnlyList<Type> path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type) || path.Count >= MaxDepth || path.Contains(type))
        {
            node.AcceptsValue = true;
            return;
        }

        if (CollectionOf(type) is var (element, keyed))
        {
            // Lists take indexed children (Key:0) or, where a server splits it, one comma-separated value.
            node.AcceptsValue = !keyed && IsScalar(Nullable.GetUnderlyingType(element) ?? element);
            AddValue(node.Any ??= new Node(), element, path);
            return;
        }

        AddProperties(node, type, [.. path, type]);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Uri)
        || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly)
        || type == typeof(TimeOnly) || type == typeof(Guid) || type == typeof(Version) || type == typeof(byte[]) || type == typeof(object);

    /// <summary>The element type of a list or array, or the value type of a string-keyed dictionary.</summary>
    private static (Type Element, bool Keyed)? CollectionOf(Type type)
    {
        if (type.IsArray)
        {
            return (type.GetElementType()!, false);
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        Type definition = type.GetGenericTypeDefinition();
        Type[] arguments = type.GetGenericArguments();
        if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
        {
            return (arguments[1], true);
        }

        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)
            || definition == typeof(HashSet<>) || definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>)
            ? (arguments[0], false)
            : null;
    }

    private sealed class Node
    {
        public Dictionary<string, Node> Named { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Any child key (a dictionary's keys, a list's indexes, a <c>&lt;name&gt;</c> in <c>--help</c>).</summary>
        public Node? Any { get; set; }

        public bool AcceptsValue { get; set; }

        /// <summary>A nested options type whose properties could not be read (trimmed metadata): see AddProperties.</summary>
        public bool Opaque { get; set; }

        public Node Child(string name)
        {
            if (!Named.TryGetValue(name, out Node? child))
            {
                child = new Node();
                Named.Add(name, child);
            }

            return child;
        }
    }
}
