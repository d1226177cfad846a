using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>Everything the Confluence source adds to the server: its settings (for --help) and, when configured, its services.</summary>
public static class ConfluenceRegistration
{
    /// <summary>The source's settings, listed by --help after the Documents: ones.</summary>
    public static readonly SettingHelp[] Settings = [];

    /// <summary>Vendor-style environment names for the source's settings.</summary>
    public static readonly EnvironmentAlias[] Aliases = [];

    /// <summary>
    /// When the source is configured (its section has its required setting), registers its validated options, backend
    /// client, credential and sign-in, and an <see cref="IDocumentSource"/> (and <see cref="IDocumentWriter"/> where it
    /// writes); otherwise registers nothing. Called by DocumentsServer.AddDocumentsServer.
    /// </summary>
    public static IServiceCollection AddConfluence(this IServiceCollection services, IConfiguration configuration) => services;
}
