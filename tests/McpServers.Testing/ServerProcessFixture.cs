using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace McpServers.Testing;

/// <summary>
/// What the throwaway database servers of the test kit share: an external server named by an environment variable
/// wins; otherwise the binaries are looked up and a private server is started on a free loopback port in a temp
/// folder. A missing installation skips the tests that need it (fails them under <c>CI=true</c>); an installed
/// server that does not start fails them.
/// </summary>
public abstract class ServerProcessFixture : IAsyncLifetime
{
    private readonly string _environmentVariable;
    private readonly string _description;
    private readonly string _notFound;
    private readonly string _package;
    private readonly SemaphoreSlim _setupLock = new(1, 1);
    private readonly HashSet<string> _setUp = new(StringComparer.Ordinal);
    private bool _installed;

    /// <param name="environmentVariable">Holds the connection string of an external server to use instead.</param>
    /// <param name="description">What is started, for the failure message ("throwaway MariaDB server").</param>
    /// <param name="notFound">Which binaries were looked for where, for the skip message.</param>
    /// <param name="package">The Debian/Ubuntu package that installs them.</param>
    private protected ServerProcessFixture(string environmentVariable, string description, string notFound, string package)
    {
        _environmentVariable = environmentVariable;
        _description = description;
        _notFound = notFound;
        _package = package;
    }

    /// <summary>Connection string of the administrative account; null until started.</summary>
    public string? AdminConnectionString { get; private set; }

    /// <summary>Why the server is not available (null when it is).</summary>
    public string? UnavailableReason { get; private set; }

    public bool IsAvailable => AdminConnectionString is not null;

    public async ValueTask InitializeAsync()
    {
        string? external = Environment.GetEnvironmentVariable(_environmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = AdminConnectionStringFor(external);
            return;
        }

        if (!FindBinaries())
        {
            UnavailableReason = $"{_notFound}. Install them (Debian/Ubuntu: apt-get install {_package}) or set {_environmentVariable} to a connection string.";
            return;
        }

        _installed = true;
        try
        {
            AdminConnectionString = await StartAsync();
        }
        catch (Exception ex) when (IsStartFailure(ex))
        {
            // A broken installation is a failure, not a skip: report it from every test that needs the server.
            UnavailableReason = $"Starting the {_description} failed: " + ex.Message;
            await StopServerAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        _setupLock.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Skips the calling test when the server is missing (fails instead under CI=true or when it is installed but broken).</summary>
    public void RequireAvailable() => Prerequisite.RequireServer(IsAvailable, _installed, UnavailableReason);

    /// <summary>The administrative connection string for the external server's <paramref name="connectionString"/>.</summary>
    private protected abstract string AdminConnectionStringFor(string connectionString);

    /// <summary>Finds the binaries the server needs; false when one is missing.</summary>
    private protected abstract bool FindBinaries();

    /// <summary>Starts the server and returns the administrative connection string once it accepts logins.</summary>
    private protected abstract Task<string> StartAsync();

    /// <summary>Stops the server, best effort, and removes its folder; safe when it never started.</summary>
    private protected abstract Task StopAsync();

    private protected virtual bool IsStartFailure(Exception ex) =>
        ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception;

    /// <summary>
    /// Runs <paramref name="setup"/> once per <paramref name="name"/> for the life of the server (later calls return at
    /// once), serialised with every other setup and with <see cref="SerialisedAsync"/>.
    /// </summary>
    private protected async Task SetUpOnceAsync(string name, Func<Task> setup)
    {
        RequireAvailable();
        await _setupLock.WaitAsync();
        try
        {
            if (_setUp.Contains(name))
            {
                return;
            }

            await setup();
            _setUp.Add(name);
        }
        finally
        {
            _setupLock.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> while no setup runs.</summary>
    private protected async Task SerialisedAsync(Func<Task> work)
    {
        await _setupLock.WaitAsync();
        try
        {
            await work();
        }
        finally
        {
            _setupLock.Release();
        }
    }

    private async Task StopServerAsync()
    {
        await StopAsync();
        AdminConnectionString = null;
    }

    /// <summary>Runs <paramref name="file"/> to completion within <paramref name="timeout"/>; a non-zero exit throws with its output.</summary>
    /// <param name="program">The program to name in errors, when <paramref name="file"/> only launches it (runuser).</param>
    private protected static async Task RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, string? program = null)
    {
        program ??= file;
        using Process process = Process.Start(ProcessStart.For(file, arguments, Path.GetTempPath())) ?? throw new InvalidOperationException($"Could not start {program}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first of PATH's folders, then <paramref name="fallbacks"/>, that holds <paramref name="name"/>.</summary>
    private protected static string? Find(string name, params string[] fallbacks)
    {
        IEnumerable<string> path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(fallbacks).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Stops a server started in the foreground (kills its process tree, waits for it) and removes its temp folder:
    /// what the fixtures that own their server process do on dispose.
    /// </summary>
    private protected static async Task StopProcessAsync(Process? process, string? directory)
    {
        if (process is { HasExited: false })
        {
            try
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                // Best effort: the directory is removed below either way.
            }
        }

        process?.Dispose();
        DeleteDirectory(directory);
    }

    /// <summary>The last lines of <c>server.log</c> in <paramref name="directory"/>, for a start-up failure message.</summary>
    private protected static string LogTail(string? directory)
    {
        string log = directory is null ? string.Empty : Path.Combine(directory, "server.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no log)";
    }

    /// <summary>Removes <paramref name="directory"/>, best effort (a server that did not stop may still hold files).</summary>
    private protected static void DeleteDirectory(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
