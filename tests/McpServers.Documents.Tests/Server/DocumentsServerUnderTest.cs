using System.Text.Json.Nodes;
using McpServers.Documents.Backend;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpServers.Documents.Tests.Server;

/// <summary>mcp-documents as the conformance base sees it: the --demo folder through the real local source, its index in a temporary folder.</summary>
public sealed class DocumentsServerUnderTest : IConformanceServer
{
    public static string IndexFolder { get; } = Directory.CreateTempSubdirectory("mcp-documents-index-").FullName;

    public ServerIdentity Identity => DocumentsServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddDocumentsServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Documents:Demo"] = "true",
        ["Local:IndexPath"] = Path.Combine(IndexFolder, "demo.db"),
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("docs_get", new JsonObject { ["id"] = "local:Demo/travel-policy.md" });

    /// <summary>The local source's backend is the file system: the root folder disappears after start-up, just before the call.</summary>
    public IReadOnlyList<BackendFault> BackendFaults { get; } =
    [
        new BackendFault("a root folder removed after start-up", _ =>
        {
            string root = Directory.CreateTempSubdirectory("mcp-documents-gone-").FullName;
            File.WriteAllText(Path.Combine(root, "travel-policy.md"), "# Travel\n");
            var settings = new Dictionary<string, string?>
            {
                ["Documents:Demo"] = "false",
                ["Local:Roots"] = $"Demo={root}",
                ["Local:IndexPath"] = Path.Combine(IndexFolder, "gone.db"),
                ["Local:IndexOnStart"] = "false",
            };
            return Task.FromResult(new BrokenBackend(settings) { ConfigureServices = s => VanishingRoot.Around(s, root) });
        }),
    ];

    /// <summary>Every source throws the bug from every member.</summary>
    public void InjectTransportBug(IServiceCollection services, Exception bug)
    {
        services.RemoveAll<IDocumentSource>();
        TransportBugs.ThrowFromEveryCall<IDocumentSource>(services, bug);
    }

    public string CommandName => "mcp-documents";

    public IReadOnlyList<string> StdioArguments =>
        [.. Settings.SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" })];

    public string ManifestSnapshotPath => "tests/McpServers.Documents.Tests/documents.tools.json";
}

/// <summary>Deletes the root folder just before the source is first asked, so the failure is the file system's own.</summary>
internal sealed class VanishingRoot(IDocumentSource inner, string root) : IDocumentSource
{
    public string Name => inner.Name;

    public string Title => inner.Title;

    public bool HasVersions => inner.HasVersions;

    public static void Around(IServiceCollection services, string root)
    {
        ServiceDescriptor original = services.Last(d => d.ServiceType == typeof(IDocumentSource));
        services.Remove(original);
        services.AddSingleton<IDocumentSource>(sp => new VanishingRoot((IDocumentSource)original.ImplementationFactory!(sp), root));
    }

    public Task<SearchPage> SearchAsync(DocumentQuery query, PageRequest page, CancellationToken cancellationToken) => Gone().SearchAsync(query, page, cancellationToken);

    public Task<DocumentText> GetAsync(string documentId, string? version, CancellationToken cancellationToken) => Gone().GetAsync(documentId, version, cancellationToken);

    public Task<ListingPage> ListAsync(string? containerId, PageRequest page, CancellationToken cancellationToken) => Gone().ListAsync(containerId, page, cancellationToken);

    public Task<VersionPage> ListVersionsAsync(string documentId, PageRequest page, CancellationToken cancellationToken) => Gone().ListVersionsAsync(documentId, page, cancellationToken);

    public Task<SourceCheck> CheckAsync(CancellationToken cancellationToken) => Gone().CheckAsync(cancellationToken);

    private IDocumentSource Gone()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return inner;
    }
}
