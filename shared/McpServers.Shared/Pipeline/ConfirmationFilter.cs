using System.Globalization;
using System.Text.Json;
using McpServers.Shared.Audit;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// A human confirms the exact call before a confirmable tool runs: through elicitation when the client can ask the
/// user, otherwise by a preview result plus a single-use token that a second, identical call must present.
/// </summary>
internal sealed class ConfirmationFilter(ToolRegistry registry, ConfirmationStore store, AuditLog audit) : ICallToolFilter
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
        string preview = audit.Redact(arguments, tool.SecretParameters).GetRawText();

        if (token is not null)
        {
            if (!store.TryRedeem(token, tool.Name, arguments))
            {
                state.Set(AuditOutcome.Unconfirmed, "confirmation token rejected");
                return ToolResults.Error(
                    $"The confirmation_token is not valid for this call: it is single-use, expires after {Minutes()} minutes, and only confirms exactly the arguments it was issued for. Nothing was done. Call '{tool.Name}' again without confirmation_token to get a new preview for the user.");
            }
        }
        else if (context.Server.ClientCapabilities?.Elicitation is not null)
        {
            ElicitResult answer = await context.Server.ElicitAsync(new ElicitRequestParams
            {
                Message = $"Allow '{tool.Name}' to run with these arguments?\n{preview}",
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
        else
        {
            string issued = store.Issue(tool.Name, arguments);
            state.Set(AuditOutcome.Unconfirmed, "confirmation token issued");
            return ToolResults.Text(
                $"Confirmation required: nothing has been done yet. Show the user exactly what '{tool.Name}' will do with these arguments and ask whether to proceed:\n{preview}\n" +
                $"Only if the user agrees, call '{tool.Name}' again with exactly the same arguments plus \"confirmation_token\": \"{issued}\" (single use, valid {Minutes()} minutes).");
        }

        context.Params.Arguments = arguments;
        return await next(context, cancellationToken);
    }

    private string Minutes() => Math.Max(1, store.Lifetime.TotalMinutes).ToString("0", CultureInfo.InvariantCulture);
}
