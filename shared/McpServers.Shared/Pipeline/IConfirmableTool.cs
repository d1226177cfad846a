using System.Text.Json;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Implemented by a tool class that needs confirmation (<see cref="RequiresConfirmationAttribute"/>), so the
/// confirmation stage can ask a human a question worth answering. Created per call exactly like the tool itself
/// (constructor injection from the request's services), with the arguments that passed schema validation.
/// </summary>
public interface IConfirmableTool
{
    /// <summary>
    /// Runs before anyone is asked: throw <see cref="Errors.ToolInputException"/> (or a
    /// <see cref="Errors.BackendException"/>) for a call that would be refused anyway, so a human never approves a
    /// call that then fails on its input. Checks here must not change anything. Returns what the human reads and
    /// whether confirmation is needed for these arguments at all.
    /// </summary>
    ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments,
        CancellationToken cancellationToken);
}

/// <summary>What a human is asked to approve.</summary>
/// <param name="Text">The exact effect in plain words: recipients, fields and values (not a JSON dump).</param>
/// <param name="Required">False when these arguments need no confirmation (e.g. a draft only the user sees).</param>
public sealed record ConfirmationPreview(string Text, bool Required = true)
{
    /// <summary>
    /// One value as a preview shows it: on one line, control and bidi characters escaped. A value is the model's
    /// input, and a line break in it could forge another line of the question a human approves ("- assignee: me").
    /// </summary>
    public static string Value(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var text = new System.Text.StringBuilder(value.Length + 2);
        foreach (System.Text.Rune rune in value.EnumerateRunes())
        {
            System.Globalization.UnicodeCategory category = System.Text.Rune.GetUnicodeCategory(rune);
            if (rune.Value == '\n')
            {
                text.Append("\\n");
            }
            else if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            }
            else
            {
                text.Append(rune.ToString());
            }
        }

        return text.ToString();
    }
}

/// <summary>Creates a tool's <see cref="IConfirmableTool"/> for one call; put in a tool's metadata by the catalog.</summary>
public sealed class ConfirmableToolFactory(Func<IServiceProvider, IConfirmableTool> create)
{
    public IConfirmableTool Create(IServiceProvider services) => create(services);
}
