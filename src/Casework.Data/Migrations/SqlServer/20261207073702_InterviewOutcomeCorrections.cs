using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InterviewOutcomeCorrections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "OutcomeCorrections",
                table: "interviews",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "interview_outcome_corrections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    InterviewId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    PreviousOutcome = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    PreviousNote = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    PreviousRecordedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    PreviousRecordedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Note = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    CorrectedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CorrectedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_interview_outcome_corrections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_interview_outcome_corrections_interviews_InterviewId",
                        column: x => x.InterviewId,
                        principalTable: "interviews",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_interview_outcome_corrections_InterviewId_CorrectedAt",
                table: "interview_outcome_corrections",
                columns: new[] { "InterviewId", "CorrectedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "interview_outcome_corrections");

            migrationBuilder.DropColumn(
                name: "OutcomeCorrections",
                table: "interviews");
        }
    }
}
