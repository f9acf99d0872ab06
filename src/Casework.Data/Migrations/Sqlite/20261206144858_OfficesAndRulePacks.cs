using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OfficesAndRulePacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rule_packs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AppealWindowDays = table.Column<int>(type: "INTEGER", nullable: false),
                    LateAppealGraceDays = table.Column<int>(type: "INTEGER", nullable: false),
                    InterviewTargetMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    AcceleratedInterviewTargetDays = table.Column<int>(type: "INTEGER", nullable: false),
                    SimplifiedInterviewTargetDays = table.Column<int>(type: "INTEGER", nullable: false),
                    MoveDeadlinesToNextWorkingDay = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rule_packs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "offices",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RulePackId = table.Column<Guid>(type: "TEXT", nullable: true),
                    WeekendDays = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_offices", x => x.Code);
                    table.ForeignKey(
                        name: "FK_offices_rule_packs_RulePackId",
                        column: x => x.RulePackId,
                        principalTable: "rule_packs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "office_holidays",
                columns: table => new
                {
                    OfficeCode = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_office_holidays", x => new { x.OfficeCode, x.Date });
                    table.ForeignKey(
                        name: "FK_office_holidays_offices_OfficeCode",
                        column: x => x.OfficeCode,
                        principalTable: "offices",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_offices_RulePackId",
                table: "offices",
                column: "RulePackId");

            migrationBuilder.CreateIndex(
                name: "IX_rule_packs_NormalizedName",
                table: "rule_packs",
                column: "NormalizedName",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "office_holidays");

            migrationBuilder.DropTable(
                name: "offices");

            migrationBuilder.DropTable(
                name: "rule_packs");
        }
    }
}
