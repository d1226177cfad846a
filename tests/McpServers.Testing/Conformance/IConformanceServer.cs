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

    /// <summary>Replaces the backend with one whose every use throws <paramref name="failure"/>.</summary>
    void BreakBackend(IServiceCollection services, Exception failure);

    /// <summary>The executable's command name (e.g. <c>mcp-database</c>) for the stdio tests.</summary>
    string CommandName { get; }

    /// <summary>Arguments that let the executable serve without outside systems (e.g. <c>--demo</c>).</summary>
    IReadOnlyList<string> StdioArguments { get; }

    /// <summary>Repository-relative path of the committed tool manifest (all tools, writes allowed).</summary>
    string ManifestSnapshotPath { get; }
}
