using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using McpServers.Testing.Conformance;
using Xunit;

namespace McpServers.Testing.TypeScriptClient;

/// <summary>
/// The official TypeScript MCP SDK (pinned in <c>TypeScriptClient/node/package.json</c> and its lock file), installed
/// with <c>npm ci</c> into that folder on first use (CI installs it in <c>.ci/run</c> beforehand). Test projects run
/// in parallel processes, so the install is guarded by a machine-wide named mutex. When Node.js, npm or the packages
/// are unavailable, <see cref="RequireAvailable"/> skips the test with what to install, except under <c>CI=true</c>,
/// where it fails (the same rule as the PostgreSQL fixture).
/// </summary>
public static class TypeScriptSdk
{
    /// <summary>The SDK needs Node.js 18 or later (its <c>engines</c> field).</summary>
    public const int MinimumNodeMajorVersion = 18;

    private const string PackageName = "@modelcontextprotocol/sdk";
    private const string MutexName = @"Global\McpServers.TypeScriptSdk.Install";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<string?> UnavailableReasonOnce = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The driver folder: <c>package.json</c>, <c>package-lock.json</c>, <c>sdk-client.mjs</c>, <c>node_modules/</c>.</summary>
    public static string DriverDirectory { get; } =
        Path.Combine(ManifestSnapshot.RepositoryRoot(), "tests", "McpServers.Testing", "TypeScriptClient", "node");

    public static string DriverScript => Path.Combine(DriverDirectory, "sdk-client.mjs");

    /// <summary>Why the SDK cannot be used here (null when it can); installs it on first use.</summary>
    public static string? UnavailableReason => UnavailableReasonOnce.Value;

    /// <summary>Skips the calling test when Node.js or the SDK is missing (fails instead under <c>CI=true</c>).</summary>
    public static void RequireAvailable()
    {
        if (UnavailableReason is not { } reason)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }

    private static string? Prepare()
    {
        string folder = Path.GetRelativePath(ManifestSnapshot.RepositoryRoot(), DriverDirectory);
        string howToInstall = $"Install Node.js {MinimumNodeMajorVersion} or later with npm (Debian/Ubuntu: apt-get install nodejs npm), " +
            $"then run 'npm ci' in {folder}.";
        if (Run("node", ["--version"], DriverDirectory, TimeSpan.FromMinutes(1)) is not (0, { } version))
        {
            return "The TypeScript SDK client tests need Node.js, which was not found on PATH. " + howToInstall;
        }

        if (!int.TryParse(version.Trim().TrimStart('v').Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || major < MinimumNodeMajorVersion)
        {
            return $"The TypeScript SDK client tests need Node.js {MinimumNodeMajorVersion} or later; found {version.Trim()}. " + howToInstall;
        }

        if (IsInstalled())
        {
            return null;
        }

        using var mutex = new Mutex(initiallyOwned: false, MutexName);
        try
        {
            mutex.WaitOne();
        }
        catch (AbandonedMutexException)
        {
            // A test process died while installing; this one now owns the mutex and installs again below.
        }

        try
        {
            // Another test project may have installed it while this one waited.
            if (IsInstalled())
            {
                return null;
            }

            (int exitCode, string? output) = Run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], DriverDirectory, InstallTimeout);
            if (exitCode != 0 || !IsInstalled())
            {
                return $"Installing the pinned TypeScript MCP SDK with 'npm ci' in {folder} failed (exit {exitCode}): " +
                    $"{output?.Trim()} {howToInstall}";
            }

            return null;
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }

    /// <summary>Installed means: npm finished (it writes <c>node_modules/.package-lock.json</c>) and the SDK is the pinned version.</summary>
    private static bool IsInstalled()
    {
        string modules = Path.Combine(DriverDirectory, "node_modules");
        string installed = Path.Combine(modules, "@modelcontextprotocol", "sdk", "package.json");
        if (!File.Exists(Path.Combine(modules, ".package-lock.json")) || !File.Exists(installed))
        {
            return false;
        }

        using JsonDocument pinned = JsonDocument.Parse(File.ReadAllText(Path.Combine(DriverDirectory, "package.json")));
        using JsonDocument actual = JsonDocument.Parse(File.ReadAllText(installed));
        return pinned.RootElement.GetProperty("dependencies").GetProperty(PackageName).GetString()
            == actual.RootElement.GetProperty("version").GetString();
    }

    /// <summary>Runs a command to completion; (-1, null) when it cannot be started at all.</summary>
    private static (int ExitCode, string? Output) Run(string file, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        ProcessStartInfo info = ProcessStart.For(file, arguments, workingDirectory);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        }
        catch (Win32Exception)
        {
            return (-1, null);
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{file} did not finish within {timeout.TotalMinutes} minutes.");
            }

            return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
        }
    }
}
