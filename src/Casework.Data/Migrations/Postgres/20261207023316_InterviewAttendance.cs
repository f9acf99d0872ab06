using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InterviewAttendance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RepresentativeAnswer",
                table: "interviews",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RepresentativeAnsweredAt",
                table: "interviews",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RepresentativeAnsweredBy",
                table: "interviews",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RepresentativeAnswer",
                table: "interviews");

            migrationBuilder.DropColumn(
                name: "RepresentativeAnsweredAt",
                table: "interviews");

            migrationBuilder.DropColumn(
                name: "RepresentativeAnsweredBy",
                table: "interviews");
        }
    }
}
