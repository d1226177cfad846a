using McpServers.Communication.Email;
using McpServers.Communication.Email.Tools;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Tests.Email;

public sealed class OutboxTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mcp-outbox-");
    private readonly string _outbox;

    public OutboxTests()
    {
        _outbox = Directory.CreateDirectory(Path.Combine(_root.FullName, "outbox")).FullName;
        File.WriteAllText(Path.Combine(_outbox, "notes.txt"), "meeting notes");
        Directory.CreateDirectory(Path.Combine(_outbox, "q4"));
        File.WriteAllText(Path.Combine(_outbox, "q4", "plan.txt"), "plan");
        File.WriteAllText(Path.Combine(_root.FullName, "secret.txt"), "not for mail");
    }

    public void Dispose() => _root.Delete(recursive: true);

    private EmailOptions Options(long maxBytes = 1000) => new() { OutboxFolder = _outbox, MaxAttachmentBytes = maxBytes };

    [Fact]
    public void FilesInsideTheOutbox_AreResolvedWithTheirSize()
    {
        IReadOnlyList<OutboxFile> files = Outbox.Resolve(Options(), ["notes.txt", "q4/plan.txt"]);

        Assert.Equal(["notes.txt", "plan.txt"], files.Select(f => f.Name));
        Assert.Equal([13L, 4L], files.Select(f => f.SizeBytes));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("q4/../../secret.txt")]
    [InlineData("/etc/passwd")]
    public void PathsOutsideTheOutbox_AreRefused(string name)
    {
        Assert.Throws<ToolInputException>(() => Outbox.Resolve(Options(), [name]));
    }

    [Fact]
    public void ASymbolicLinkInsideTheOutbox_IsNotFollowed()
    {
        File.CreateSymbolicLink(Path.Combine(_outbox, "link.txt"), Path.Combine(_root.FullName, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_outbox, "up"), _root.FullName);

        Assert.Contains("symbolic link", Assert.Throws<ToolInputException>(() => Outbox.Resolve(Options(), ["link.txt"])).Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", Assert.Throws<ToolInputException>(() => Outbox.Resolve(Options(), ["up/secret.txt"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLargeInTotal_OrNoOutbox_IsRefusedNamingTheSetting()
    {
        Assert.Contains("Email:MaxAttachmentBytes", Assert.Throws<ToolInputException>(() => Outbox.Resolve(Options(maxBytes: 15), ["notes.txt", "q4/plan.txt"])).Message, StringComparison.Ordinal);
        Assert.Contains("Email:OutboxFolder", Assert.Throws<ToolInputException>(() => Outbox.Resolve(new EmailOptions(), ["notes.txt"])).Message, StringComparison.Ordinal);
        Assert.Empty(Outbox.Resolve(new EmailOptions(), null));
    }
}
