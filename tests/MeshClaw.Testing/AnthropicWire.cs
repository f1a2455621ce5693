using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MeshClaw.Testing;

/// <summary>
/// Answers in the Anthropic Messages format (https://docs.anthropic.com/en/api/messages and
/// https://docs.anthropic.com/en/docs/build-with-claude/streaming), shaped so the Anthropic SDK parses it.
/// </summary>
internal static class AnthropicWire
{
    public static Task WriteReplyAsync(HttpResponse response, ReplyContext context, CancellationToken cancellationToken) =>
        context.Request.Stream
            ? WriteStreamAsync(response, context, cancellationToken)
            : JsonResponse.WriteAsync(response, StatusCodes.Status200OK, Message(context), cancellationToken);

    public static Task WriteErrorAsync(HttpResponse response, int statusCode, string message, CancellationToken cancellationToken)
    {
        var type = statusCode switch
        {
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            529 => "overloaded_error",
            >= 500 => "api_error",
            _ => "invalid_request_error",
        };
        var body = new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
        };
        return JsonResponse.WriteAsync(response, statusCode, body, cancellationToken);
    }

    private static JsonObject Message(ReplyContext context)
    {
        var reply = context.Reply;
        var content = new JsonArray();
        if (reply.Kind == ScriptedReplyKind.Text)
        {
            content.Add(TextBlock(reply.Content));
        }
        else
        {
            for (var i = 0; i < reply.Calls.Count; i++)
            {
                content.Add(ToolUseBlock(context.ToolCallIds[i], reply.Calls[i].Name, ParsedInput(reply.Calls[i].ArgumentsJson)));
            }
        }

        var message = MessageHead(context.Request.Model, content, StopReason(reply));
        var usage = UsageOrZero(reply);
        message["usage"] = Usage(usage, usage.OutputTokens);
        return message;
    }

    private static async Task WriteStreamAsync(HttpResponse response, ReplyContext context, CancellationToken cancellationToken)
    {
        var reply = context.Reply;
        SseWriter.Begin(response);

        // Each event's name is repeated as "type" in its data, as in the documented stream.
        Task SendAsync(JsonObject data) =>
            SseWriter.WriteAsync(response, (string)data["type"]!, data.ToJsonString(JsonResponse.WireOptions), cancellationToken);

        // message_start carries the input tokens; output is reported, cumulatively, by message_delta at the end.
        var usage = UsageOrZero(reply);
        var head = MessageHead(context.Request.Model, [], null);
        head["usage"] = Usage(usage, 0);

        await SendAsync(new JsonObject { ["type"] = "message_start", ["message"] = head });
        await SendAsync(new JsonObject { ["type"] = "ping" });

        if (reply.Kind == ScriptedReplyKind.Text)
        {
            await SendAsync(new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = TextBlock("") });
            foreach (var word in Chunker.Words(reply.Content))
            {
                await SendAsync(Delta(0, new JsonObject { ["type"] = "text_delta", ["text"] = word }));
            }

            await SendAsync(new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        }
        else
        {
            for (var i = 0; i < reply.Calls.Count; i++)
            {
                var call = reply.Calls[i];
                await SendAsync(new JsonObject
                {
                    ["type"] = "content_block_start",
                    ["index"] = i,
                    ["content_block"] = ToolUseBlock(context.ToolCallIds[i], call.Name, new JsonObject()),
                });

                // Arguments go out verbatim in pieces, even when they are not valid JSON: that is what a broken model streams.
                foreach (var piece in Chunker.Thirds(call.ArgumentsJson))
                {
                    await SendAsync(Delta(i, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = piece }));
                }

                await SendAsync(new JsonObject { ["type"] = "content_block_stop", ["index"] = i });
            }
        }

        var messageDelta = new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(reply), ["stop_sequence"] = null },
            ["usage"] = Usage(usage, usage.OutputTokens),
        };

        await SendAsync(messageDelta);
        await SendAsync(new JsonObject { ["type"] = "message_stop" });
    }

    private static JsonObject MessageHead(string model, JsonArray content, string? stopReason) => new()
    {
        ["id"] = "msg_" + Guid.NewGuid().ToString("N"),
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = content,
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
    };

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject ToolUseBlock(string id, string name, JsonNode? input) => new()
    {
        ["type"] = "tool_use",
        ["id"] = id,
        ["name"] = name,
        ["input"] = input,
    };

    private static JsonObject Delta(int index, JsonObject delta) => new()
    {
        ["type"] = "content_block_delta",
        ["index"] = index,
        ["delta"] = delta,
    };

    // The real API always sends usage and the Anthropic SDK rejects a message without input_tokens,
    // so "without usage" becomes all-zero counts here: the closest this wire has to "unknown".
    private static ScriptedUsage UsageOrZero(ScriptedReply reply) => reply.Usage ?? new ScriptedUsage(0, 0, 0, 0);

    // Anthropic's input_tokens excludes cache reads, so the scripted total is split to keep the sum equal across protocols.
    private static JsonObject Usage(ScriptedUsage usage, int outputTokens) => new()
    {
        ["input_tokens"] = usage.InputTokens - usage.CachedTokens,
        ["output_tokens"] = outputTokens,
        ["cache_read_input_tokens"] = usage.CachedTokens,
        ["cache_creation_input_tokens"] = 0,
    };

    // input must be an object on this wire; arguments that are not JSON become a string, as a broken model would send.
    private static JsonNode? ParsedInput(string argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(argumentsJson);
        }
        catch (JsonException)
        {
            return JsonValue.Create(argumentsJson);
        }
    }

    private static string StopReason(ScriptedReply reply) => reply.Kind == ScriptedReplyKind.ToolCalls ? "tool_use" : "end_turn";
}
