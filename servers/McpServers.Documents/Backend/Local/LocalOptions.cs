using System.Security.Cryptography;
using System.Text;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Documents.Backend.Local;

/// <summary>One allowlisted folder: its name (the first part of every id under it) and its absolute path as configured.</summary>
public sealed record LocalRoot(string Name, string Path);

/// <summary>
/// The settings of the local-folders source, under <c>Local:</c> (environment <c>MCP_DOCUMENTS__Local__Roots</c>).
/// The source is registered only when <see cref="Roots"/> is set.
/// </summary>
public sealed record LocalOptions
{
    public const string Section = "Local";

    /// <summary>Hidden entries (a name starting with a dot) are always excluded; these globs are excluded as well.</summary>
    public static readonly IReadOnlyList<string> DefaultExclude = [".git", "node_modules"];

    /// <summary>Comma list of absolute folders, each <c>name=/path</c> or a bare path (its folder name becomes the root name).</summary>
    public IReadOnlyList<string> Roots { get; set; } = [];

    /// <summary>Globs (<c>*</c>, <c>?</c>) matched against each entry name, or against the relative path when they hold a <c>/</c>.</summary>
    public IReadOnlyList<string> Exclude { get; set; } = DefaultExclude;

    /// <summary>The index database; unset: <c>&lt;local app data&gt;/mcp-documents/index-&lt;hash of the roots&gt;.db</c>.</summary>
    public string? IndexPath { get; set; }

    /// <summary>Refuse entries on another file system than their root's (a mount point inside a root). Checked on Linux only.</summary>
    public bool SameFileSystemOnly { get; set; } = true;

    /// <summary>Build (or bring up to date) the index in the background at start; false: on the first search.</summary>
    public bool IndexOnStart { get; set; } = true;

    /// <summary>
    /// A search at least this long after the last pass ended starts another (in the background, incremental); zero: the
    /// index is brought up to date at start only. A process that found another writing tries again then.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The parsed <see cref="Roots"/>, set after binding.</summary>
    internal IReadOnlyList<LocalRoot> ParsedRoots { get; private set; } = [];

    /// <summary>Reads and checks the options as the server does; a <see cref="ConfigurationException"/> names every setting to fix.</summary>
    public static LocalOptions FromConfiguration(IConfiguration configuration)
    {
        using ServiceProvider services = new ServiceCollection().AddLocalOptions(configuration).BuildServiceProvider();
        return services.GetRequiredService<LocalOptions>();
    }

    /// <summary>The index file: <see cref="IndexPath"/>, or one per set of roots under the user's local app data.</summary>
    public string IndexFile()
    {
        if (!string.IsNullOrWhiteSpace(IndexPath))
        {
            return System.IO.Path.GetFullPath(IndexPath);
        }

        string key = string.Join('\n', ParsedRoots.Select(r => r.Name + "=" + System.IO.Path.GetFullPath(r.Path)).Order(StringComparer.Ordinal));
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        string appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return System.IO.Path.Combine(DefaultIndexFolder(appData, System.IO.Path.GetTempPath(), UnixFiles.UserKey()), $"index-{hash}.db");
    }

    /// <summary>
    /// The folder of the default index: <c>mcp-documents</c> under the local app data, or where there is none (no home
    /// folder) one per user in the temp folder, <c>mcp-documents-&lt;uid&gt;</c>: never one folder every user shares.
    /// </summary>
    internal static string DefaultIndexFolder(string appData, string temp, string user) => appData.Length > 0
        ? System.IO.Path.Combine(appData, "mcp-documents")
        : System.IO.Path.Combine(temp, "mcp-documents-" + user);

    internal void Complete(IConfiguration local)
    {
        Roots = SettingList.Parse(local, nameof(Roots)) ?? [];
        Exclude = SettingList.Parse(local, nameof(Exclude)) ?? DefaultExclude;
        IndexPath = string.IsNullOrWhiteSpace(IndexPath) ? null : IndexPath.Trim();
        ParsedRoots = [.. Roots.Select(ParseRoot)];
    }

    /// <summary><c>name=/path</c> or <c>/path</c>; on Windows a drive colon is not a name separator (<c>=</c> is).</summary>
    private static LocalRoot ParseRoot(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string path = (equals >= 0 ? text[(equals + 1)..] : text).Trim();
        string name = equals >= 0 ? text[..equals].Trim() : System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(path));
        return new LocalRoot(name, path);
    }
}

/// <summary>Start-up checks of <see cref="LocalOptions"/>: every problem names the setting to fix.</summary>
public sealed class LocalOptionsValidator : IValidateOptions<LocalOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.ParsedRoots.Count == 0)
        {
            problems.Add("Local:Roots is required: comma-separated absolute folders, each name=/path or a bare path, e.g. handbook=/srv/docs/handbook.");
        }

        foreach (LocalRoot root in options.ParsedRoots)
        {
            if (!LocalPaths.IsRootName(root.Name))
            {
                problems.Add($"Local:Roots: '{root.Name}' is not a root name (letters, digits, '.', '_' or '-', not starting with '.'); write name=/path.");
            }

            if (!Path.IsPathFullyQualified(root.Path))
            {
                problems.Add($"Local:Roots: the folder of '{root.Name}' must be an absolute path.");
            }
            else if (!Directory.Exists(root.Path))
            {
                problems.Add($"Local:Roots: the folder of '{root.Name}' ({root.Path}) does not exist or is not a folder.");
            }
        }

        foreach (string repeated in options.ParsedRoots.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add($"Local:Roots: the name '{repeated}' is used twice; name the roots with name=/path.");
        }

        if (options.RefreshInterval < TimeSpan.Zero)
        {
            problems.Add("Local:RefreshInterval must be zero (refresh at start only) or a positive time span such as 00:05:00.");
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-documents --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class LocalOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Local</c> into <see cref="LocalOptions"/>, checked at start.</summary>
    public static IServiceCollection AddLocalOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection local = configuration.GetSection(LocalOptions.Section);
        services.AddSettings<LocalOptions>(configuration, LocalOptions.Section, new LocalOptionsValidator()).Bind(local)
            .PostConfigure(o => o.Complete(local));
        return services;
    }
}
