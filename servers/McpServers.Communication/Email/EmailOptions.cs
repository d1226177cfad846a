using System.Net;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace McpServers.Communication.Email;

/// <summary>How the connection to a mail server is protected.</summary>
public enum MailSecurity
{
    /// <summary>TLS from the first byte (IMAPS 993, SMTPS 465).</summary>
    Tls,

    /// <summary>Plain connection upgraded with STARTTLS, which is required (IMAP 143, submission 587).</summary>
    StartTls,

    /// <summary>No encryption: only for a server on this machine (loopback).</summary>
    None,
}

/// <summary>
/// The e-mail backend's settings, under <c>Email:</c> (environment <c>MCP_COMMUNICATION__Email__ImapHost</c>; the
/// password also as <c>EMAIL_PASSWORD</c> or <c>EMAIL_PASSWORD_FILE</c>). Bound by the configuration source generator
/// and checked at start by <see cref="EmailOptionsValidator"/>.
/// </summary>
public sealed record EmailOptions
{
    public const string Section = "Email";
    public const string PasswordEnvironment = "EMAIL_PASSWORD";

    public string? ImapHost { get; set; }
    public int ImapPort { get; set; } = 993;
    public MailSecurity ImapSecurity { get; set; } = MailSecurity.Tls;
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public MailSecurity SmtpSecurity { get; set; } = MailSecurity.StartTls;
    public string? UserName { get; set; }

    /// <summary>Secret: only from the environment (<c>EMAIL_PASSWORD</c>, <c>EMAIL_PASSWORD_FILE</c>), never the command line.</summary>
    public string? Password { get; set; }

    /// <summary>The only sender address the server uses; required to send.</summary>
    public string? From { get; set; }
    public string? FromName { get; set; }

    /// <summary>The folders the tools may read (case-insensitive; INBOX is always spelled INBOX).</summary>
    public IReadOnlyList<string> Folders { get; set; } = ["INBOX"];

    /// <summary>Where a sent message is saved; unset: the server's SPECIAL-USE \Sent folder, else "Sent".</summary>
    public string? SentFolder { get; set; }

    /// <summary>A PEM certificate (a private CA's, or a self-signed server's) trusted besides the system store.</summary>
    public string? TrustedCertificateFile { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    public int DefaultMaxResults { get; set; } = 20;
    public int MaxResults { get; set; } = 100;
    public int MaxMessageChars { get; set; } = 20_000;
    public long MaxMessageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>A local folder whose files the send tools may attach; unset: no attachments.</summary>
    public string? OutboxFolder { get; set; }
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How many recent messages per folder the correspondents lookup reads.</summary>
    public int CorrespondentsScan { get; set; } = 300;

    /// <summary>Whether the send tools exist: an SMTP host and a sender address.</summary>
    public bool CanSend => !string.IsNullOrWhiteSpace(SmtpHost) && !string.IsNullOrWhiteSpace(From);

    /// <summary>The sender as parsed (validated at start).</summary>
    public MailboxAddress FromMailbox() => new(string.IsNullOrWhiteSpace(FromName) ? null : FromName.Trim(), MailboxAddress.Parse(From!.Trim()).Address);

    /// <summary>Never prints the password.</summary>
    public override string ToString() =>
        $"EmailOptions {{ Imap = {ImapHost}:{ImapPort} {ImapSecurity}, Smtp = {SmtpHost}:{SmtpPort} {SmtpSecurity}, UserName = {UserName}, Folders = {string.Join(",", Folders)} }}";

    internal void Complete(IConfiguration section)
    {
        ImapHost = Blank(ImapHost);
        SmtpHost = Blank(SmtpHost);
        UserName = Blank(UserName);
        From = Blank(From);
        FromName = Blank(FromName);
        SentFolder = Blank(SentFolder);
        TrustedCertificateFile = Blank(TrustedCertificateFile);
        OutboxFolder = Blank(OutboxFolder);
        Folders = SettingList.Parse(section, nameof(Folders)) is { Count: > 0 } folders ? folders : ["INBOX"];
    }

    internal static bool IsLoopback(string? host) =>
        host is not null && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address)));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Start-up checks of <see cref="EmailOptions"/>: every problem names the setting (<c>Email:Key</c>) to fix.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Server(problems, "Imap", options.ImapHost, options.ImapPort, options.ImapSecurity, required: true);
        Server(problems, "Smtp", options.SmtpHost, options.SmtpPort, options.SmtpSecurity, required: false);
        if (options.UserName is null)
        {
            problems.Add("Email:UserName must be set: the account that signs in to IMAP and SMTP.");
        }

        if (string.IsNullOrEmpty(options.Password))
        {
            problems.Add($"The e-mail password is missing: set {EmailOptions.PasswordEnvironment} (or {EmailOptions.PasswordEnvironment}_FILE naming a file that holds it).");
        }

        if (options.SmtpHost is not null && options.From is null)
        {
            problems.Add("Email:From must be set when Email:SmtpHost is: the address the server sends from.");
        }

        if (options.From is { } from && !IsOneMailbox(from))
        {
            problems.Add("Email:From must be one e-mail address, e.g. me@example.com.");
        }

        if (options.FromName is { } fromName && fromName.Any(char.IsControl))
        {
            problems.Add("Email:FromName must be one line without control characters.");
        }

        foreach (string folder in options.Folders.Append(options.SentFolder ?? "Sent"))
        {
            if (folder.Length is 0 or > 255 || folder.Any(char.IsControl) || folder.Contains('*', StringComparison.Ordinal) || folder.Contains('%', StringComparison.Ordinal))
            {
                problems.Add($"Email:Folders/Email:SentFolder: '{folder}' is not a folder name (one line, no wildcards * or %).");
            }
        }

        if (options.TrustedCertificateFile is { } certificate && !File.Exists(certificate))
        {
            problems.Add("Email:TrustedCertificateFile must name a readable PEM certificate file.");
        }

        if (options.OutboxFolder is { } outbox && (!Path.IsPathFullyQualified(outbox) || !Directory.Exists(outbox)))
        {
            problems.Add("Email:OutboxFolder must be the absolute path of an existing folder.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            problems.Add("Email:Timeout must be between 00:00:01 and 00:10:00.");
        }

        if (options.MaxResults is < 1 or > 500)
        {
            problems.Add("Email:MaxResults must be between 1 and 500.");
        }

        if (options.DefaultMaxResults < 1 || options.DefaultMaxResults > options.MaxResults)
        {
            problems.Add("Email:DefaultMaxResults must be between 1 and Email:MaxResults.");
        }

        if (options.MaxMessageChars is < 1000 or > 1_000_000)
        {
            problems.Add("Email:MaxMessageChars must be between 1000 and 1000000.");
        }

        if (options.MaxMessageBytes is < 64 * 1024 or > 200L * 1024 * 1024)
        {
            problems.Add("Email:MaxMessageBytes must be between 65536 and 209715200.");
        }

        if (options.MaxAttachmentBytes is < 1 or > 100L * 1024 * 1024)
        {
            problems.Add("Email:MaxAttachmentBytes must be between 1 and 104857600.");
        }

        if (options.CorrespondentsScan is < 1 or > 5000)
        {
            problems.Add("Email:CorrespondentsScan must be between 1 and 5000.");
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-communication --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Server(List<string> problems, string kind, string? host, int port, MailSecurity security, bool required)
    {
        if (host is null)
        {
            if (required)
            {
                problems.Add($"Email:{kind}Host must be set.");
            }

            return;
        }

        if (Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            problems.Add($"Email:{kind}Host must be a host name or IP address, e.g. imap.example.com.");
        }

        if (port is < 1 or > 65535)
        {
            problems.Add($"Email:{kind}Port must be between 1 and 65535.");
        }

        if (security == MailSecurity.None && !EmailOptions.IsLoopback(host))
        {
            problems.Add($"Email:{kind}Security may be None only for a server on this machine (localhost): use Tls or StartTls for {host}.");
        }
    }

    private static bool IsOneMailbox(string text) =>
        !text.Any(char.IsControl) && MailboxAddress.TryParse(text, out MailboxAddress? mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal);
}

public static class EmailOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Email</c> into <see cref="EmailOptions"/>, checked at start.</summary>
    public static IServiceCollection AddEmailOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(EmailOptions.Section);
        services.AddSettings<EmailOptions>(configuration, EmailOptions.Section, new EmailOptionsValidator()).Bind(section)
            .PostConfigure(options => options.Complete(section));
        return services;
    }
}
