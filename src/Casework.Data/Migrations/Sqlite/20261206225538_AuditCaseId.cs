using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditCaseId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CaseId",
                table: "audit_entries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_CaseId_Id",
                table: "audit_entries",
                columns: new[] { "CaseId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_entries_CaseId_Id",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "CaseId",
                table: "audit_entries");
        }
    }
}
