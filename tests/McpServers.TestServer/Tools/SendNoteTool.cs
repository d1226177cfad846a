using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

/// <summary>
/// A pretend send (like e-mail): only the user's own answer confirms it (elicitation), and an administrator cannot turn
/// its confirmation off. It exists only when the <c>SendNotes</c> setting is true (<see cref="ToolCatalog.AddWhen{T}"/>).
/// </summary>
public sealed class SendNoteTool(CallRecorder recorder)
{
    [McpServerTool(Name = "test_send_note", Title = "Send a note", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = true)]
    [Description("Pretends to send a note to someone (a send the user must confirm in the client).")]
    [RequiresConfirmation(ElicitationOnly = true, Mandatory = true)]
    public string SendNote(
        [Description("Who gets the note."), StringLength(80, MinimumLength = 1)] string to,
        [Description("Note text."), StringLength(2000)] string body = "")
    {
        recorder.Record();
        return $"Sent a note to {to} ({body.Length} characters).";
    }
}

/// <summary>Registered when <c>SendNotes</c> is true: the condition under which test_send_note exists.</summary>
public sealed class NoteSending;
