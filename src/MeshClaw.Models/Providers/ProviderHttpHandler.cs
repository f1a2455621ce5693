using System.Text.Json;

namespace MeshClaw.Models.Providers;

/// <summary>
/// Sits under the provider SDK and turns HTTP error answers into <see cref="ModelProviderException"/>,
/// reading Retry-After (seconds or a date) and the provider's error message from the body. A 2xx answer that is not
/// the protocol (HTML, invalid JSON, nothing) or that stops early becomes a <see cref="ModelReplyException"/> saying so in
/// words, before an SDK turns it into a parse error nobody can read.
/// </summary>
public sealed class ProviderHttpHandler(string model, TimeProvider time) : DelegatingHandler
{
    // The closing event of each protocol's stream; a stream that ends without it was cut.
    private static readonly byte[] AnthropicEnd = "message_stop"u8.ToArray();
    private static readonly byte[] OpenAIEnd = "[DONE]"u8.ToArray();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new HttpRequestException($"model '{model}' at {request.RequestUri?.GetLeftPart(UriPartial.Authority)} cannot be reached: {ex.Message}", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return await CheckedAsync(request, response, cancellationToken);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ModelProviderException(model, response.StatusCode, RetryAfter(response), ErrorMessage(body));
        }
    }

    private async Task<HttpResponseMessage> CheckedAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var where = request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "(no address)";
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            var marker = request.RequestUri?.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal) == true ? AnthropicEnd : OpenAIEnd;
            var stream = new CheckedEventStream(await response.Content.ReadAsStreamAsync(cancellationToken), model, where, marker);
            var content = new StreamContent(stream);
            foreach (var header in response.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = content;
            return response;
        }

        // A non-streamed reply is read whole here (the SDK would read it whole anyway), so a cut body and a body that is
        // not JSON are told apart and named.
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            response.Dispose();
            throw new ModelReplyException(model, ModelReplyFault.Truncated,
                $"model '{model}' at {where} sent a truncated reply: the connection closed before the body ended ({(ex.InnerException ?? ex).Message})", ex);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (ReplyShape.Check(body, mediaType) is { } problem)
        {
            response.Dispose();
            throw new ModelReplyException(model, problem.Fault, $"model '{model}' at {where} {problem.Problem}");
        }

        return response;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - time.GetUtcNow() : null;
    }

    /// <summary>OpenAI and Anthropic both put the message at error.message; otherwise show the start of the body.</summary>
    private static string ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the raw text.
        }

        return body.Length > 300 ? body[..300] + "…" : body;
    }
}
