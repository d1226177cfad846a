using System.Diagnostics;
using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Local;
using McpServers.Documents.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpServers.Documents.Tests.Local;

/// <summary>
/// A temporary folder tree for one test: <see cref="Root"/> (allowlisted as <c>docs</c>), <see cref="Outside"/> (not
/// allowlisted: symlink escapes point here) and the index file; sources are built the way the server builds them.
/// </summary>
internal sealed class LocalTree : IDisposable
{
    private readonly string _base;
    private readonly List<ServiceProvider> _providers = [];

    public LocalTree()
    {
        _base = Path.Combine(Path.GetTempPath(), "mcp-docs-local-" + Guid.NewGuid().ToString("N"));
        Root = Directory.CreateDirectory(Path.Combine(_base, "docs root")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        IndexPath = Path.Combine(_base, "index", "index.db");
        File.WriteAllText(Path.Combine(Outside, "secret.md"), "# Secret\nthe outside secret zebra");
    }

    public string Root { get; }

    public string Outside { get; }

    public string IndexPath { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Writes <paramref name="relative"/> ('/'-separated) under the root with a modification time a fixed step from the epoch.</summary>
    public string Write(string relative, string text, int minutes = 0)
    {
        string path = Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(minutes));
        return path;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public LocalServices Services(Action<DocumentsOptions>? caps = null, LocalIndexHooks? hooks = null, IDictionary<string, string?>? settings = null,
        TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Local:Roots"] = "docs=" + Root,
            ["Local:IndexPath"] = IndexPath,
            ["Local:IndexOnStart"] = "false",
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.Configure<DocumentsOptions>(o => caps?.Invoke(o));
        if (hooks is not null)
        {
            services.TryAddSingleton(hooks);
        }

        if (time is not null)
        {
            services.TryAddSingleton(time);
        }

        services.AddLocal(configuration);
        ServiceProvider provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return new LocalServices(provider.GetRequiredService<LocalFolderSource>(), provider.GetRequiredService<LocalIndexer>(),
            provider.GetRequiredService<LocalPaths>());
    }

    /// <summary>A source whose index is built (one complete pass).</summary>
    public async Task<LocalServices> IndexedAsync(Action<DocumentsOptions>? caps = null)
    {
        LocalServices local = Services(caps);
        Assert.True(await local.Indexer.RunAsync(Ct));
        return local;
    }

    public static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public void Dispose()
    {
        foreach (ServiceProvider provider in _providers)
        {
            provider.Dispose();
        }

        try
        {
            Directory.Delete(_base, recursive: true);
        }
        catch (IOException)
        {
            // A FIFO or a file still open on another OS: left in the temp folder.
        }
    }
}

internal sealed record LocalServices(LocalFolderSource Source, LocalIndexer Indexer, LocalPaths Paths)
{
    public Task<SearchPage> SearchAsync(string words, int size = 10, string? container = null, string? cursor = null) =>
        Source.SearchAsync(new DocumentQuery { Words = words, Container = container }, new PageRequest(size, cursor), LocalTree.Ct);
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Holds the indexer after its first committed batch until the test releases it (no timing).</summary>
internal sealed class GatedHooks(int batchSize) : LocalIndexHooks
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override int BatchSize => batchSize;

    /// <summary>Completes when the first batch is committed and the indexer waits.</summary>
    public Task Paused => _paused.Task;

    public void Release() => _release.TrySetResult();

    public override async ValueTask BatchCommittedAsync(long done, long total, CancellationToken cancellationToken)
    {
        _paused.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
    }
}
