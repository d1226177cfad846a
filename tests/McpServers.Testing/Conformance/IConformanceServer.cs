using System.Text.Json.Nodes;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Testing.Conformance;

/// <summary>What the conformance base needs to know about a server to check it.</summary>
public interface IConformanceServer
{
    ServerIdentity Identity { get; }

    /// <summary>The server's own registration, e.g. <c>services.AddDatabaseServer(configuration)</c>.</summary>
    IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration);

    /// <summary>Settings for a server that works without anything outside the test (e.g. the demo database).</summary>
    IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>A read-only call that reaches the backend.</summary>
    (string Tool, JsonObject Arguments) BackendCall { get; }

    /// <summary>
    /// Real faults the server's real gateway meets at its transport (see <see cref="BackendFaults"/>): each gives the
    /// settings that point the server at a broken backend, with short timeouts. A fault ends every
    /// <see cref="BackendCall"/> as a backend error that leaks nothing.
    /// </summary>
    IReadOnlyList<BackendFault> BackendFaults { get; }

    /// <summary>
    /// Makes the server's transport throw <paramref name="bug"/> (not a backend failure) on first use, without per-gateway
    /// code (see <see cref="TransportBugs"/>).
    /// </summary>
    void InjectTransportBug(IServiceCollection services, Exception bug);

    /// <summary>The executable's command name (e.g. <c>mcp-database</c>) for the stdio tests.</summary>
    string CommandName { get; }

    /// <summary>Arguments that let the executable serve without outside systems (e.g. <c>--demo</c>).</summary>
    IReadOnlyList<string> StdioArguments { get; }

    /// <summary>
    /// Environment variables for the stdio tests, for settings that are refused on the command line (secrets such as a
    /// token for a loopback fake); none by default.
    /// </summary>
    IReadOnlyDictionary<string, string?> StdioEnvironment => new Dictionary<string, string?>();

    /// <summary>Repository-relative path of the committed tool manifest (all tools, writes allowed).</summary>
    string ManifestSnapshotPath { get; }
}
