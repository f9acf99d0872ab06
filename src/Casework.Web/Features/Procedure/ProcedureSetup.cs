using Microsoft.Extensions.DependencyInjection.Extensions;
using Casework.Data.Runtime;

namespace Casework.Web.Features.Procedure;

public static class ProcedureSetup
{
    /// <summary>Wires the workflows' service tasks to the asylum procedure's domain operations.</summary>
    public static WebApplicationBuilder AddCaseworkProcedure(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OfficeRules>();
        builder.Services.AddServiceTaskHandler<RecordReferralHandler>();
        builder.Services.AddServiceTaskHandler<TriageHandler>();
        builder.Services.AddServiceTaskHandler<ClosureByDecisionHandler>();
        builder.Services.AddServiceTaskHandler<AppealDeadlineHandler>();
        builder.Services.AddServiceTaskHandler<AppealTimingHandler>();
        builder.Services.AddServiceTaskHandler<AppealOutcomeHandler>();
        builder.Services.AddServiceTaskHandler<AppealRemittalHandler>();
        builder.Services.AddServiceTaskHandler<DepartureCheckHandler>();
        builder.Services.AddServiceTaskHandler<DerivativeStatusHandler>();
        builder.Services.AddScoped<Casework.Data.Runtime.Handlers.IInstanceProjection, CaseStageProjection>();

        // Workflows name the case stage of their steps (cw:stage); publication refuses a name that is not a stage.
        builder.Services.Replace(ServiceDescriptor.Singleton(new Casework.Data.Definitions.WorkflowVocabulary
        {
            Stages = Enum.GetNames<Casework.Domain.Cases.CaseStage>().ToHashSet(StringComparer.Ordinal),
        }));
        return builder;
    }
}
