using McpServers.Communication.Email.Backend;
using McpServers.Communication.Email.Tools;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpServers.Communication.Email;

/// <summary>
/// The e-mail backend (IMAP to read, SMTP submission to send, section <c>Email:</c>): its settings, its DI registration
/// (<see cref="IMailSender"/>, <see cref="ICorrespondents"/> and the reader behind the email_* tools) and its tools,
/// which exist only when it is configured.
/// </summary>
public static class EmailRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } =
    [
        new SettingHelp("Email:ImapHost", "IMAP server host name; setting it turns the e-mail tools on.", null),
        new SettingHelp("Email:ImapPort", "IMAP port.", "993"),
        new SettingHelp("Email:ImapSecurity", "Tls, StartTls or None (None only for a server on this machine).", "Tls"),
        new SettingHelp("Email:SmtpHost", "SMTP submission host; with Email:From it turns the send tools on.", null),
        new SettingHelp("Email:SmtpPort", "SMTP submission port.", "587"),
        new SettingHelp("Email:SmtpSecurity", "Tls, StartTls or None (None only for a server on this machine).", "StartTls"),
        new SettingHelp("Email:UserName", "The account that signs in to IMAP and SMTP.", null),
        new SettingHelp("Email:Password", $"The account's password or app password; only from {EmailOptions.PasswordEnvironment} or {EmailOptions.PasswordEnvironment}_FILE.", null, Secret: true),
        new SettingHelp("Email:From", "The sender address of every message the server sends (required to send).", null),
        new SettingHelp("Email:FromName", "The sender's display name.", null),
        new SettingHelp("Email:Folders", "Folders the tools may read, comma-separated (case-insensitive).", "INBOX"),
        new SettingHelp("Email:SentFolder", "Where sent messages are saved (never created).", "the server's \\Sent folder, else Sent"),
        new SettingHelp("Email:TrustedCertificateFile", "A PEM certificate (private CA or self-signed server) trusted besides the system store.", null),
        new SettingHelp("Email:Timeout", "Time limit of each mail server operation.", "00:00:30"),
        new SettingHelp("Email:DefaultMaxResults", "Messages per search page when the model does not ask.", "20"),
        new SettingHelp("Email:MaxResults", "Messages per search page or thread the model can never exceed (at most 500).", "100"),
        new SettingHelp("Email:MaxMessageChars", "A message's text is cut above this length.", "20000"),
        new SettingHelp("Email:MaxMessageBytes", "A message text part larger than this is not downloaded.", "10485760"),
        new SettingHelp("Email:OutboxFolder", "Local folder whose files the send tools may attach (absolute path).", "(none: no attachments)"),
        new SettingHelp("Email:MaxAttachmentBytes", "Largest total size of the attachments of one message.", "10485760"),
        new SettingHelp("Email:CorrespondentsScan", "Recent messages per folder read to resolve a name to an address.", "300"),
    ];

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } =
    [
        new EnvironmentAlias(EmailOptions.PasswordEnvironment, "Email:Password"),
    ];

    /// <summary>Settings that change which e-mail tools exist.</summary>
    public static IReadOnlyList<string> ToolSetSettings { get; } = ["Email:ImapHost", "Email:SmtpHost", "Email:From"];

    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[$"{EmailOptions.Section}:ImapHost"]))
        {
            return services;
        }

        services.AddEmailOptions(configuration);
        // Created on first use: nothing reaches the mail servers before the first tool call.
        services.TryAddSingleton<MailConnections>();
        services.TryAddSingleton<ImapMailbox>();
        services.TryAddSingleton<ICorrespondents, MailCorrespondents>();
        if (!string.IsNullOrWhiteSpace(configuration[$"{EmailOptions.Section}:SmtpHost"]) && !string.IsNullOrWhiteSpace(configuration[$"{EmailOptions.Section}:From"]))
        {
            services.TryAddSingleton<SmtpMailSender>();
            services.TryAddSingleton<IMailSender>(sp => sp.GetRequiredService<SmtpMailSender>());
        }

        return services;
    }

    public static ToolCatalog AddEmailTools(this ToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .AddWhen<SearchTool>(Reads)
            .AddWhen<GetMessageTool>(Reads)
            .AddWhen<GetThreadTool>(Reads)
            .AddWhen<SendTool>(Sends)
            .AddWhen<ReplyTool>(Sends);

        static bool Reads(IServiceProvider services) => services.GetService<ImapMailbox>() is not null;

        static bool Sends(IServiceProvider services) => services.GetService<SmtpMailSender>() is not null;
    }
}
