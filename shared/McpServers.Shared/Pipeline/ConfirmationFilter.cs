using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// A human confirms the exact call before a confirmable tool runs: through elicitation when the client can ask the
/// user, otherwise by a preview plus a single-use token that a second, identical call must present. The token path
/// is confirmation through the model (it relays the question and the answer), so an administrator can demand
/// elicitation per tool. The tool's own pre-check runs first, so nobody approves a call that would be refused.
/// </summary>
internal sealed class ConfirmationFilter(ToolRegistry registry, ConfirmationStore store, SecretRedactor redactor,
    StatelessService? stateless = null) : ICallToolFilter
{
    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(context.Params?.Name ?? string.Empty, out RegisteredTool? tool) || !tool.RequiresConfirmation)
        {
            return await next(context, cancellationToken);
        }

        var arguments = new Dictionary<string, JsonElement>(context.Params!.Arguments ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
        arguments.Remove(ToolRegistry.ConfirmationTokenParameter, out JsonElement tokenElement);
        string? token = tokenElement.ValueKind == JsonValueKind.String ? tokenElement.GetString() : null;
        CallState state = CallState.Of(context);

        // Input and allowlist problems surface here (as the errors stage maps them), before any human is asked.
        ConfirmationPreview preview = tool.Confirmable is { } factory
            ? await factory.Create(context.Services ?? context.Server.Services!).PrepareConfirmationAsync(arguments, cancellationToken)
            : new ConfirmationPreview(DefaultPreview(arguments, tool.SecretParameters));
        if (!preview.Required)
        {
            context.Params.Arguments = arguments;
            return await next(context, cancellationToken);
        }

        // A stateless HTTP service answers each request on its own: it cannot put a question to the user mid-call.
        bool canElicit = stateless is null && context.Server.ClientCapabilities?.Elicitation is not null;
        if (token is not null && !tool.RequiresElicitation)
        {
            if (!await store.TryRedeemAsync(token, tool.Name, arguments))
            {
                state.Set(AuditOutcome.Unconfirmed, "confirmation token rejected");
                return ToolResults.Error(
                    $"The confirmation_token is not valid for this call: it is single-use, expires after {Minutes()} minutes, and only confirms exactly the arguments it was issued for. Nothing was done. Call '{tool.Name}' again without confirmation_token to get a new preview for the user.");
            }
        }
        else if (canElicit)
        {
            ElicitResult answer = await context.Server.ElicitAsync(new ElicitRequestParams
            {
                // Results pass the errors stage's redaction; this question goes to the client directly.
                Message = redactor.Redact($"Allow '{tool.Name}' to do this?\n{preview.Text}"),
                RequestedSchema = new ElicitRequestParams.RequestSchema
                {
                    Properties = { ["confirm"] = new ElicitRequestParams.BooleanSchema { Title = "Confirm", Description = "Run this action now." } },
                    Required = ["confirm"],
                },
            }, cancellationToken);
            bool confirmed = answer.IsAccepted && answer.Content is { } content
                && content.TryGetValue("confirm", out JsonElement confirm) && confirm.ValueKind == JsonValueKind.True;
            if (!confirmed)
            {
                state.Set(AuditOutcome.Unconfirmed, $"user answered {answer.Action}");
                return ToolResults.Error($"The user did not confirm '{tool.Name}' ({answer.Action}). Nothing was done. Do not retry unless the user asks again.");
            }
        }
        else if (tool.RequiresElicitation)
        {
            // A policy refusal, not a missing answer: retrying from this client cannot succeed.
            state.Set(AuditOutcome.Denied, "elicitation required, client cannot elicit");
            string why = tool.ElicitationOnlyByDefault
                ? $"'{tool.Name}' only accepts the user's own answer, so a confirmation passed on by the model is not accepted (an administrator can allow that knowingly with Confirmation:AllowToken)"
                : $"The administrator requires this for '{tool.Name}' (Confirmation:RequireElicitation), so a confirmation passed on by the model is not accepted";
            return ToolResults.Error(stateless is not null
                ? $"'{tool.Name}' needs the user's own confirmation in the client (MCP elicitation), and this server runs as a stateless HTTP service, which cannot ask the user during a call. Nothing was done. {why}; use this server over stdio (or a deployment with sessions) for this tool."
                : $"'{tool.Name}' needs the user's own confirmation in the client (MCP elicitation), and this client cannot ask the user. Nothing was done. {why}; use a client that supports elicitation.");
        }
        else
        {
            string issued = await store.IssueAsync(tool.Name, arguments);
            state.Set(AuditOutcome.Unconfirmed, "confirmation token issued");
            // isError: nothing happened, and a tool with an outputSchema may not return a success without
            // structuredContent (SDK clients reject it).
            return ToolResults.Error(
                $"Not done yet: '{tool.Name}' needs the user's confirmation. Nothing has been changed. Show the user exactly this and ask whether to proceed:\n{preview.Text}\n" +
                $"Only if the user agrees, call '{tool.Name}' again with exactly the same arguments plus \"confirmation_token\": \"{issued}\" (single use, valid {Minutes()} minutes). If the user declines, do not call it again.");
        }

        context.Params.Arguments = arguments;
        CallToolResult result = await next(context, cancellationToken);
        if (state.Outcome == AuditOutcome.Busy && !tool.RequiresElicitation)
        {
            // The human said yes and nothing ran: the model is told to retry, so the approval must survive the
            // retry (a fresh single-use token for the same arguments), or the user would be asked again.
            string again = await store.IssueAsync(tool.Name, arguments);
            result.Content.Add(new TextContentBlock
            {
                Text = $"The user's confirmation still stands: when retrying, call '{tool.Name}' with exactly the same arguments plus \"confirmation_token\": \"{again}\" (single use, valid {Minutes()} minutes).",
            });
        }

        return result;
    }

    private string Minutes() => Math.Max(1, store.Lifetime.TotalMinutes).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>One line per argument, for tools without their own preview; secret parameters are masked.</summary>
    private static string DefaultPreview(IReadOnlyDictionary<string, JsonElement> arguments, IReadOnlySet<string> secrets)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in arguments.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string shown = secrets.Contains(name) || SecretNames.IsSecret(name) ? SecretRedactor.Mask
                : ConfirmationPreview.Value(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
            text.Append("- ").Append(name).Append(": ").AppendLine(shown);
        }

        return text.Length == 0 ? "(no arguments)" : text.ToString().TrimEnd();
    }
}
