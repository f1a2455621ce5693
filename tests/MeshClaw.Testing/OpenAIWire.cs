using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MeshClaw.Testing;

/// <summary>
/// Answers in the OpenAI chat-completions format (https://platform.openai.com/docs/api-reference/chat),
/// shaped so the OpenAI .NET SDK parses it as it would a real response.
/// </summary>
internal static class OpenAIWire
{
    public static Task WriteReplyAsync(HttpResponse response, ReplyContext context, CancellationToken cancellationToken) =>
        context.Request.Stream
            ? WriteStreamAsync(response, context, cancellationToken)
            : JsonResponse.WriteAsync(response, StatusCodes.Status200OK, Completion(context), cancellationToken);

    public static Task WriteErrorAsync(HttpResponse response, int statusCode, string message, CancellationToken cancellationToken)
    {
        var (type, code) = statusCode switch
        {
            401 => ("invalid_request_error", "invalid_api_key"),
            403 => ("permission_error", null),
            404 => ("invalid_request_error", "model_not_found"),
            429 => ("requests", "rate_limit_exceeded"),
            >= 500 => ("server_error", null),
            _ => ("invalid_request_error", (string?)null),
        };
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
        };
        return JsonResponse.WriteAsync(response, statusCode, body, cancellationToken);
    }

    private static JsonObject Completion(ReplyContext context)
    {
        var reply = context.Reply;
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = reply.Kind == ScriptedReplyKind.Text ? reply.Content : null,
            ["refusal"] = null,
        };
        if (reply.Kind == ScriptedReplyKind.ToolCalls)
        {
            var calls = new JsonArray();
            for (var i = 0; i < reply.Calls.Count; i++)
            {
                calls.Add(new JsonObject
                {
                    ["id"] = context.ToolCallIds[i],
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = reply.Calls[i].Name, ["arguments"] = reply.Calls[i].ArgumentsJson },
                });
            }

            message["tool_calls"] = calls;
        }

        var completion = Envelope("chat.completion", context.Request.Model);
        completion["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["logprobs"] = null,
            ["finish_reason"] = FinishReason(reply),
        });
        if (reply.Usage is { } usage)
        {
            completion["usage"] = Usage(usage);
        }

        return completion;
    }

    private static async Task WriteStreamAsync(HttpResponse response, ReplyContext context, CancellationToken cancellationToken)
    {
        var reply = context.Reply;
        var id = NewId();
        var model = context.Request.Model;
        SseWriter.Begin(response);

        Task SendAsync(JsonObject delta, string? finishReason) =>
            SseWriter.WriteAsync(response, null, Chunk(id, model, delta, finishReason).ToJsonString(JsonResponse.WireOptions), cancellationToken);

        if (reply.Kind == ScriptedReplyKind.Text)
        {
            await SendAsync(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null);
            foreach (var word in Chunker.Words(reply.Content))
            {
                await SendAsync(new JsonObject { ["content"] = word }, null);
            }
        }
        else
        {
            await SendAsync(new JsonObject { ["role"] = "assistant", ["content"] = null }, null);
            for (var i = 0; i < reply.Calls.Count; i++)
            {
                // The first delta of a call carries id, type and name; later ones only append to the arguments.
                await SendAsync(ToolCallDelta(i, new JsonObject { ["name"] = reply.Calls[i].Name, ["arguments"] = "" }, context.ToolCallIds[i]), null);
                foreach (var piece in Chunker.Thirds(reply.Calls[i].ArgumentsJson))
                {
                    await SendAsync(ToolCallDelta(i, new JsonObject { ["arguments"] = piece }, null), null);
                }
            }
        }

        await SendAsync(new JsonObject(), FinishReason(reply));

        // Like the real API, usage comes as a last chunk with no choices, and only when the client asked for it.
        if (reply.Usage is { } usage && WantsUsage(context.Request))
        {
            var last = Envelope("chat.completion.chunk", model, id);
            last["choices"] = new JsonArray();
            last["usage"] = Usage(usage);
            await SseWriter.WriteAsync(response, null, last.ToJsonString(JsonResponse.WireOptions), cancellationToken);
        }

        await SseWriter.WriteAsync(response, null, "[DONE]", cancellationToken);
    }

    private static JsonObject ToolCallDelta(int index, JsonObject function, string? id)
    {
        var call = new JsonObject { ["index"] = index };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }

        call["function"] = function;
        return new JsonObject { ["tool_calls"] = new JsonArray(call) };
    }

    private static JsonObject Chunk(string id, string model, JsonObject delta, string? finishReason)
    {
        var chunk = Envelope("chat.completion.chunk", model, id);
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        });
        return chunk;
    }

    private static JsonObject Envelope(string objectType, string model, string? id = null) => new()
    {
        ["id"] = id ?? NewId(),
        ["object"] = objectType,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["system_fingerprint"] = null,
    };

    private static JsonObject Usage(ScriptedUsage usage) => new()
    {
        ["prompt_tokens"] = usage.InputTokens,
        ["completion_tokens"] = usage.OutputTokens,
        ["total_tokens"] = usage.InputTokens + usage.OutputTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedTokens },
        ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = usage.ReasoningTokens },
    };

    private static bool WantsUsage(RecordedRequest request)
    {
        using var document = request.Json();
        return document.RootElement.TryGetProperty("stream_options", out var options)
            && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var include)
            && include.ValueKind == JsonValueKind.True;
    }

    private static string FinishReason(ScriptedReply reply) => reply.Kind == ScriptedReplyKind.ToolCalls ? "tool_calls" : "stop";

    private static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");
}
