using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpServers.Documents.Backend.Local;

/// <summary>Everything the Local source adds to the server: its settings (for --help) and, when configured, its services.</summary>
public static class LocalRegistration
{
    /// <summary>The source's settings, listed by --help after the Documents: ones.</summary>
    public static readonly SettingHelp[] Settings =
    [
        new("Local:Roots", "Comma-separated absolute folders the model may read, each name=/path or a bare path (its folder name becomes the root name); enables the local source."),
        new("Local:Exclude", "Comma-separated globs (* and ?) of names, or of paths when they hold a /, never shown nor indexed; hidden entries are always excluded.", ".git,node_modules"),
        new("Local:IndexPath", "The full-text index file (SQLite).", "<local app data>/mcp-documents/index-<hash of the roots>.db"),
        new("Local:SameFileSystemOnly", "Refuse entries on another file system than their root's (mount points inside a root; Linux).", "true"),
        new("Local:RefreshInterval", "A search this long after the last index pass starts another, incremental, in the background; 00:00:00: at start only.", "00:05:00"),
        new("Local:IndexOnStart", "Build or refresh the index in the background at start; false: on the first search.", "true"),
    ];

    /// <summary>Vendor-style environment names for the source's settings.</summary>
    public static readonly EnvironmentAlias[] Aliases = [];

    /// <summary>
    /// When <c>Local:Roots</c> is set, registers the validated options, the path checks, the index, its background
    /// indexer and the <see cref="Backend.IDocumentSource"/>; otherwise registers nothing. Called by DocumentsServer.AddDocumentsServer.
    /// </summary>
    public static IServiceCollection AddLocal(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (SettingList.Parse(configuration.GetSection(LocalOptions.Section), nameof(LocalOptions.Roots)) is not { Count: > 0 })
        {
            return services;
        }

        services.AddLocalOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LocalPaths>();
        services.AddSingleton(sp =>
        {
            LocalOptions options = sp.GetRequiredService<LocalOptions>();
            return new LocalIndex(options.IndexFile(), ownsFolder: options.IndexPath is null);
        });
        services.TryAddSingleton<LocalIndexHooks>();
        services.AddSingleton<LocalIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalIndexer>());
        services.AddSingleton<LocalFolderSource>();
        services.AddSingleton<Backend.IDocumentSource>(sp => sp.GetRequiredService<LocalFolderSource>());
        return services;
    }
}
