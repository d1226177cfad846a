using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class WriteNoteTool(CallRecorder recorder) : IConfirmableTool
{
    /// <summary>A title the pretend backend refuses, so tests can prove the pre-check runs before anyone is asked.</summary>
    public const string RefusedTitle = "refused";

    [McpServerTool(Name = "test_write_note", Title = "Write a note", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Pretends to write a note (a write tool that needs confirmation). Drafts (`draft: true`) need none.")]
    [RequiresConfirmation]
    public string WriteNote(
        [Description("Note title."), StringLength(80, MinimumLength = 1)] string title,
        [Description("Note text."), StringLength(2000)] string body = "",
        [Description("Only a draft the user sees: no confirmation needed.")] bool draft = false)
    {
        recorder.Record();
        CheckTitle(title);
        return $"Wrote {(draft ? "draft" : "note")} '{title}' ({body.Length} characters).";
    }

    public ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string title = arguments["title"].GetString()!;
        CheckTitle(title);
        int length = arguments.TryGetValue("body", out JsonElement body) ? body.GetString()!.Length : 0;
        bool draft = arguments.TryGetValue("draft", out JsonElement d) && d.ValueKind == JsonValueKind.True;
        return ValueTask.FromResult(new ConfirmationPreview($"Write a note titled \"{title}\" with {length} characters of text.", Required: !draft));
    }

    private static void CheckTitle(string title)
    {
        if (title == RefusedTitle)
        {
            throw new ToolInputException($"`title` '{RefusedTitle}' is not allowed by the notes backend; choose another title.");
        }
    }
}
