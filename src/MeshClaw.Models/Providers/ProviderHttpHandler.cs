using System.Text.Json;

namespace MeshClaw.Models.Providers;

/// <summary>
/// Sits under the provider SDK and turns HTTP error answers into <see cref="ModelProviderException"/>,
/// reading Retry-After (seconds or a date) and the provider's error message from the body.
/// </summary>
public sealed class ProviderHttpHandler(string model, TimeProvider time) : DelegatingHandler
{
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
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ModelProviderException(model, response.StatusCode, RetryAfter(response), ErrorMessage(body));
        }
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
