using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FamilyAndRevocation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RevocationReason",
                table: "representations",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "representations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedBy",
                table: "representations",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_family_members",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Relationship = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Dependant = table.Column<bool>(type: "INTEGER", nullable: false),
                    LinkedCaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    GivenName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    FamilyName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DateOfBirth = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DateOfBirthApproximate = table.Column<bool>(type: "INTEGER", nullable: false),
                    Sex = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Nationalities = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DerivativeStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_family_members", x => x.Id);
                    table.ForeignKey(
                        name: "FK_case_family_members_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_case_family_members_cases_LinkedCaseId",
                        column: x => x.LinkedCaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_family_members_CaseId",
                table: "case_family_members",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_case_family_members_CaseId_LinkedCaseId",
                table: "case_family_members",
                columns: new[] { "CaseId", "LinkedCaseId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_family_members_LinkedCaseId",
                table: "case_family_members",
                column: "LinkedCaseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_family_members");

            migrationBuilder.DropColumn(
                name: "RevocationReason",
                table: "representations");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "representations");

            migrationBuilder.DropColumn(
                name: "RevokedBy",
                table: "representations");
        }
    }
}
