using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using McpServers.Communication.Email;
using McpServers.Shared.Errors;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Communication.Tests.Calendar;

/// <summary>
/// mcp-communication's own registration with a recording <see cref="IMailSender"/> (the SMTP side is part A's), a fixed
/// clock, and its invitation store, send ledger and address book in one temporary folder that a "restarted" host reuses.
/// </summary>
internal sealed class CalendarToolHost : IAsyncDisposable
{
    /// <summary>The server's "now" in these tests: 2026-06-01 09:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private CalendarToolHost(string folder, RecordingMailSender sender, InMemoryMcpServer server, McpClient client, ConcurrentQueue<string> questions)
    {
        Folder = folder;
        Sender = sender;
        Server = server;
        Client = client;
        Questions = questions;
    }

    public string Folder { get; }

    public RecordingMailSender Sender { get; }

    public InMemoryMcpServer Server { get; }

    public McpClient Client { get; }

    /// <summary>Every question the server asked the user (elicitation messages).</summary>
    public ConcurrentQueue<string> Questions { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="folder">The folder of a previous host, to start "after a restart"; null: a new one.</param>
    /// <param name="answer">The user's answer to confirmation questions; null: a client that cannot be asked (no elicitation).</param>
    public static async Task<CalendarToolHost> StartAsync(string? folder = null, bool? answer = true, Dictionary<string, string?>? settings = null,
        ICorrespondents? correspondents = null, bool withSender = true)
    {
        folder ??= Directory.CreateTempSubdirectory("mcp-calendar-").FullName;
        string book = Path.Combine(folder, "address-book.csv");
        if (!File.Exists(book))
        {
            await File.WriteAllTextAsync(book, "name,address\nDana Scully,dana@a.test\nDana Lee,dana.lee@b.test\nLee Adams,lee@b.test\nOmar Out,omar@outside.test\n", Ct);
        }

        var all = new Dictionary<string, string?>
        {
            ["Policy:ReadOnly"] = "false",
            ["Guards:AllowedRecipientDomains"] = "a.test,b.test",
            ["Guards:StorePath"] = Path.Combine(folder, "sends.json"),
            ["Calendar:StorePath"] = Path.Combine(folder, "invitations.json"),
            ["Calendar:AddressBook"] = book,
            ["Calendar:TimeZone"] = "Europe/Berlin",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var sender = new RecordingMailSender();
        var server = new InMemoryMcpServer((s, c) => s.AddCommunicationServer(c), all, services =>
        {
            services.AddSingleton<TimeProvider>(new FixedTime(Now));
            if (withSender)
            {
                services.AddSingleton<IMailSender>(sender);
            }

            if (correspondents is not null)
            {
                services.AddSingleton(correspondents);
            }
        });
        var questions = new ConcurrentQueue<string>();
        var options = new McpClientOptions { ProtocolVersion = "2025-11-25" };
        if (answer is { } yes)
        {
            options.Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    questions.Enqueue(request?.Message ?? "");
                    return ValueTask.FromResult(yes
                        ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } }
                        : new ElicitResult { Action = "decline" });
                },
            };
        }

        return new CalendarToolHost(folder, sender, server, await server.ConnectAsync(options, Ct), questions);
    }

    public Task<CallToolResult> CallAsync(string tool, string arguments) =>
        Client.CallToolAsync(tool, JsonDocument.Parse(arguments).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()),
            cancellationToken: Ct).AsTask();

    public static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent ?? throw new InvalidOperationException(Text(result));

    /// <summary>The text/calendar part of a sent message, decoded, and its content type.</summary>
    public static (string Calendar, ContentType Type) CalendarPart(MimeMessage message)
    {
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(2, alternative.Count);
        Assert.Equal("text/plain", alternative[0].ContentType.MimeType);
        var part = Assert.IsType<TextPart>(alternative[1]);
        Assert.Equal("text/calendar", part.ContentType.MimeType);
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return (Encoding.UTF8.GetString(stream.ToArray()), part.ContentType);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>An <see cref="IMailSender"/> that records what it is given; <see cref="Refuse"/> makes it fail like a refusing SMTP server.</summary>
internal sealed class RecordingMailSender : IMailSender
{
    public ConcurrentQueue<MimeMessage> Sent { get; } = new();

    public bool Refuse { get; set; }

    public MailboxAddress From { get; } = new("Me Myself", "me@a.test");

    public Task<SentMail> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (Refuse)
        {
            throw new BackendException(BackendErrorKind.Unavailable, "The mail server refused the message.");
        }

        message.From.Clear();
        message.From.Add(From);
        message.MessageId ??= $"m{Sent.Count}@a.test";
        Sent.Enqueue(message);
        using var size = new MemoryStream();
        message.WriteTo(size, cancellationToken);
        return Task.FromResult(new SentMail(message.MessageId, size.Length, SavedToSent: true));
    }
}
