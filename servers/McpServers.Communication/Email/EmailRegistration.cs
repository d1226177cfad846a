using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Communication.Email;

/// <summary>
/// The e-mail backend (IMAP to read, SMTP submission to send, section <c>Email:</c>): its settings, its DI registration
/// (<see cref="IMailSender"/>, <see cref="ICorrespondents"/> and the reader behind the email_* tools) and its tools,
/// which exist only when it is configured.
/// </summary>
public static class EmailRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } = [];

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } = [];

    /// <summary>Settings that change which e-mail tools exist.</summary>
    public static IReadOnlyList<string> ToolSetSettings { get; } = [];

    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static ToolCatalog AddEmailTools(this ToolCatalog catalog) => catalog;
}
