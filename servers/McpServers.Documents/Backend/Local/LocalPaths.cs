using System.Text.RegularExpressions;
using McpServers.Shared.Errors;

namespace McpServers.Documents.Backend.Local;

/// <summary>A configured root once resolved: its name, its real path (links followed) and its device (0: unknown).</summary>
internal sealed record ResolvedRoot(string Name, string RealPath, ulong Device);

/// <summary>An entry that passed every check: its root, its path relative to the root ('/'-separated) and its real path.</summary>
internal sealed record LocalEntry(ResolvedRoot Root, string Relative, string RealPath, EntryKind Kind)
{
    public string Id => LocalPaths.IdOf(Root.Name, Relative);
}

/// <summary>
/// The allowlist of the local source. Ids are <c>local:&lt;root name&gt;/&lt;relative path&gt;</c>; every id is parsed
/// (no <c>..</c>, <c>.</c>, empty or hidden segments, no NUL or backslash, nothing absolute), then resolved with every
/// link followed and required to stay inside its root's real path, to be a regular file or folder (never a device,
/// FIFO or socket), on the root's file system (<see cref="LocalOptions.SameFileSystemOnly"/>), and not excluded.
/// </summary>
public sealed partial class LocalPaths
{
    public const string Prefix = "local:";

    private const string NotVisible = "Not found, or not a readable file inside the allowed folders. Check the id with docs_list or docs_search.";

    private readonly Regex[] _nameGlobs;
    private readonly Regex[] _pathGlobs;
    private readonly bool _sameFileSystemOnly;
    private readonly Lazy<IReadOnlyList<ResolvedRoot>> _roots;

    public LocalPaths(LocalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _nameGlobs = [.. options.Exclude.Where(g => !g.Contains('/', StringComparison.Ordinal)).Select(Glob)];
        _pathGlobs = [.. options.Exclude.Where(g => g.Contains('/', StringComparison.Ordinal)).Select(g => Glob(g.Trim('/')))];
        _sameFileSystemOnly = options.SameFileSystemOnly;
        _roots = new(() => [.. options.ParsedRoots.Select(Resolve)]);
    }

    internal IReadOnlyList<ResolvedRoot> Roots => _roots.Value;

    public static bool IsRootName(string name) => RootNamePattern().IsMatch(name);

    public static string IdOf(string root, string relative) => relative.Length == 0 ? Prefix + root : Prefix + root + "/" + relative;

    /// <summary>Hidden names (a leading dot) always; the <c>Local:Exclude</c> globs on each name and on the whole relative path.</summary>
    internal bool IsExcluded(string relative)
    {
        if (relative.Length == 0)
        {
            return false;
        }

        foreach (string segment in relative.Split('/'))
        {
            if (segment.StartsWith('.') || _nameGlobs.Any(g => g.IsMatch(segment)))
            {
                return true;
            }
        }

        return _pathGlobs.Any(g => g.IsMatch(relative));
    }

    /// <summary>The root and relative path an id or container id names; an input error when its shape is wrong.</summary>
    internal (ResolvedRoot Root, string Relative) Parse(string id, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!id.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new ToolInputException($"`{parameterName}` must be a local id returned by docs_search or docs_list, like local:<root>/<path>.");
        }

        string rest = id[Prefix.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string rootName = slash < 0 ? rest : rest[..slash];
        string relative = slash < 0 ? "" : rest[(slash + 1)..];
        ResolvedRoot root = Roots.FirstOrDefault(r => string.Equals(r.Name, rootName, StringComparison.Ordinal))
            ?? throw new ToolInputException($"`{parameterName}`: '{rootName}' is not an allowed folder; the roots are: {string.Join(", ", Roots.Select(r => Prefix + r.Name))}.");
        if (relative.Length > 0 && !IsSafeRelative(relative))
        {
            throw new ToolInputException($"`{parameterName}` must be a path inside its root as docs_search or docs_list returned it: no '..', '.', empty or hidden parts, no backslash or control characters.");
        }

        return (root, relative);
    }

    /// <summary>The file an id names, checked; NotFound (the same message for every refusal) otherwise.</summary>
    internal LocalEntry File(string id, string parameterName) => Existing(id, parameterName, EntryKind.File);

    /// <summary>The folder a container id names (a root or a folder inside it), checked.</summary>
    internal LocalEntry Folder(string id, string parameterName) => Existing(id, parameterName, EntryKind.Directory);

    /// <summary>
    /// <paramref name="path"/> (a path under <paramref name="root"/>) once links are followed, or null when it escapes
    /// the root, is excluded, is not a regular file or folder, or sits on another file system.
    /// </summary>
    internal LocalEntry? Inspect(ResolvedRoot root, string path)
    {
        // Both the path asked for and the path it leads to must be inside the root and not excluded.
        string? requested = RelativeInside(root.RealPath, Path.GetFullPath(path));
        string? real = requested is null || IsExcluded(requested) ? null : UnixFiles.RealPath(path);
        if (real is null || RelativeInside(root.RealPath, real) is not { } relative || IsExcluded(relative))
        {
            return null;
        }

        EntryKind kind = UnixFiles.Kind(real, out ulong device);
        bool otherFileSystem = _sameFileSystemOnly && root.Device != 0 && device != root.Device;
        return kind is EntryKind.File or EntryKind.Directory && !otherFileSystem ? new LocalEntry(root, requested!, real, kind) : null;
    }

    /// <summary>The type of <paramref name="path"/>, and whether it is on its root's file system (when that is required).</summary>
    internal bool SameFileSystem(ResolvedRoot root, string path, out EntryKind kind)
    {
        kind = UnixFiles.Kind(path, out ulong device);
        return !_sameFileSystemOnly || root.Device == 0 || device == root.Device;
    }

    /// <summary>The '/'-separated path of <paramref name="path"/> under <paramref name="rootReal"/>, or null when outside.</summary>
    internal static string? RelativeInside(string rootReal, string path)
    {
        if (string.Equals(path, rootReal, StringComparison.Ordinal))
        {
            return "";
        }

        string withSeparator = Path.EndsInDirectorySeparator(rootReal) ? rootReal : rootReal + Path.DirectorySeparatorChar;
        return path.StartsWith(withSeparator, StringComparison.Ordinal)
            ? path[withSeparator.Length..].Replace(Path.DirectorySeparatorChar, '/')
            : null;
    }

    private LocalEntry Existing(string id, string parameterName, EntryKind kind)
    {
        (ResolvedRoot root, string relative) = Parse(id, parameterName);
        string path = relative.Length == 0 ? root.RealPath : Path.Join(root.RealPath, relative.Replace('/', Path.DirectorySeparatorChar));
        LocalEntry? entry = Inspect(root, path);
        return entry is not null && entry.Kind == kind
            ? entry
            : throw new BackendException(BackendErrorKind.NotFound, NotVisible);
    }

    private static bool IsSafeRelative(string relative) =>
        relative.Split('/').All(s => s.Length > 0 && s != "." && s != ".." && !s.StartsWith('.')
            && !s.Contains('\\', StringComparison.Ordinal) && !s.Any(char.IsControl))
        && !Path.IsPathRooted(relative);

    private ResolvedRoot Resolve(LocalRoot root)
    {
        string real = UnixFiles.RealPath(root.Path) ?? Path.GetFullPath(root.Path);
        UnixFiles.Kind(real, out ulong device);
        return new ResolvedRoot(root.Name, real, device);
    }

    private static Regex Glob(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex RootNamePattern();
}
