using System.Globalization;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Innermost stage: turns exceptions into results the model can act on without leaking anything.
/// <see cref="ToolInputException"/> is shown (it is written for the model); <see cref="BackendException"/> becomes
/// a fixed message per kind; anything else is a bug: a generic message with the correlation id, details only in
/// the diagnostic log (through the secret redactor).
/// </summary>
internal sealed partial class ErrorFilter(SecretRedactor redactor, ILogger<ErrorFilter> logger) : ICallToolFilter
{
    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        CallState state = CallState.Of(context);
        string tool = context.Params?.Name ?? string.Empty;
        try
        {
            return RedactSecrets(await next(context, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (McpProtocolException)
        {
            throw;
        }
        catch (ToolInputException e)
        {
            state.Set(AuditOutcome.Invalid, "input rejected by the tool");
            return ToolResults.Error(redactor.Redact(e.Message));
        }
        catch (BackendException e)
        {
            // A refused redirect names its target for the administrator (audit and stderr), never for the model.
            state.Set(AuditOutcome.BackendError, e.InnerException is BackendRedirectException redirect
                ? $"{e.Kind}: redirect to {redirect.Target} refused"
                : e.Kind.ToString());
            LogBackendFailure(logger, tool, e.Kind, state.CorrelationId, e.InnerException ?? e);
            return ToolResults.Error(redactor.Redact(SafeMessage(e, state.CorrelationId)));
        }
        catch (Exception e)
        {
            state.Set(AuditOutcome.Error, e.GetType().Name);
            LogUnexpectedFailure(logger, tool, state.CorrelationId, e);
            return ToolResults.Error(
                $"'{tool}' failed because of an internal error (not a problem with your input). Nothing more is known to the model; the administrator can look up correlation id {state.CorrelationId} in the server log.");
        }
    }

    /// <summary>
    /// A configured secret never leaves in a result, even when a backend echoes it back (a misconfigured field, an
    /// error body quoting the request).
    /// </summary>
    private CallToolResult RedactSecrets(CallToolResult result)
    {
        foreach (ContentBlock block in result.Content)
        {
            if (block is TextContentBlock text && redactor.Contains(text.Text))
            {
                text.Text = redactor.Redact(text.Text);
            }
        }

        if (result.StructuredContent is { } structured && structured.GetRawText() is { } raw && redactor.Contains(raw))
        {
            using var document = System.Text.Json.JsonDocument.Parse(redactor.Redact(raw));
            result.StructuredContent = document.RootElement.Clone();
        }

        return result;
    }

    /// <summary>The fixed, safe message for each backend failure kind, with a retry hint.</summary>
    public static string SafeMessage(BackendException e, string correlationId)
    {
        ArgumentNullException.ThrowIfNull(e);
        string retry = e.RetryAfter is { } after
            ? string.Create(CultureInfo.InvariantCulture, $" Try again in {Math.Max(1, Math.Ceiling(after.TotalSeconds))} s.")
            : string.Empty;
        string standard = e.Kind switch
        {
            BackendErrorKind.NotFound => "Not found, or not visible to you.",
            BackendErrorKind.Forbidden => "The backend refused this operation for the configured account (permission denied).",
            BackendErrorKind.Unauthorized => "The backend did not accept the server's credentials; an administrator must fix the configured credentials.",
            BackendErrorKind.Conflict => "The backend reported a conflict with the current state; read the current state and try again.",
            BackendErrorKind.RateLimited => "The backend is rate-limiting requests." + (retry.Length == 0 ? " Wait a little before trying again." : string.Empty),
            BackendErrorKind.Unavailable => "The backend is unavailable right now; try again later.",
            BackendErrorKind.TimedOut => "The backend did not answer in time; narrow the request or try again later.",
            BackendErrorKind.TooExpensive => "The request would be too expensive for the backend; narrow it (add filters, lower the limit).",
            BackendErrorKind.Invalid => "The backend rejected the request as invalid.",
            _ => "The backend failed.",
        };
        string text = e.SafeMessage ?? standard;
        return $"{text}{retry} (correlation id {correlationId})";
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Tool {Tool} backend failure {Kind} (correlation id {CorrelationId})")]
    private static partial void LogBackendFailure(ILogger logger, string tool, BackendErrorKind kind, string correlationId, Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Tool {Tool} failed unexpectedly (correlation id {CorrelationId})")]
    private static partial void LogUnexpectedFailure(ILogger logger, string tool, string correlationId, Exception exception);
}
