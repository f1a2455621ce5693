using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshClaw.Host.Api;

/// <summary>The API's errors as RFC 9457 problem details: the status and a <c>detail</c> that says what to do.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Of(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    public static ProblemHttpResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, detail);

    public static ProblemHttpResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, detail);

    public static ProblemHttpResult Conflict(string detail) => Of(StatusCodes.Status409Conflict, detail);
}
